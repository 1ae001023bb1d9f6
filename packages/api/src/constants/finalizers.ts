// Finalizers Kruise controllers put on objects.

/** ImagePullJob: removed once the job's synced pull secrets are cleaned up. */
export const DELETION_PROTECTION_FINALIZER = "apps.kruise.io/deletion-protection";
