// Event reasons, as OpenKruise's UnitedDeployment controller spells them ("Successful"/"Failed" + a type; some
// with a space, exactly as OpenKruise writes them).
export const UnitedEventReason = {
  SuccessfulUpdateSubset: "SuccessfulUpdateSubset",
  FailedUpdateSubset: "FailedUpdateSubset",
  FailedRevisionProvision: "FailedRevisionProvision",
  FailedDeleteDuplicatedSubsets: "FailedDeleteDuplicatedSubsets",
  FailedFindSubsets: "FailedFindSubsets",
} as const;
