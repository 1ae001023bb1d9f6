// Package v1alpha1 restates the JSON shape of OpenKruise's UnitedDeployment subset templates and the
// CloneSet spec they embed (apis/apps/v1alpha1 at OpenKruise 1.8): what OpenKruise's UnitedDeployment
// controller encodes, through these Go types, into its revision data.
package v1alpha1

import (
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kruise-ts.local/tools/revision-hash/kruiseapi/pub"
	"kruise-ts.local/tools/revision-hash/kruiseapi/v1beta1"
)

type SubsetTemplate struct {
	StatefulSetTemplate         *StatefulSetTemplateSpec         `json:"statefulSetTemplate,omitempty"`
	AdvancedStatefulSetTemplate *AdvancedStatefulSetTemplateSpec `json:"advancedStatefulSetTemplate,omitempty"`
	CloneSetTemplate            *CloneSetTemplateSpec            `json:"cloneSetTemplate,omitempty"`
	DeploymentTemplate          *DeploymentTemplateSpec          `json:"deploymentTemplate,omitempty"`
}

type StatefulSetTemplateSpec struct {
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              appsv1.StatefulSetSpec `json:"spec"`
}

type AdvancedStatefulSetTemplateSpec struct {
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              v1beta1.StatefulSetSpec `json:"spec"`
}

type CloneSetTemplateSpec struct {
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              CloneSetSpec `json:"spec"`
}

type DeploymentTemplateSpec struct {
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              appsv1.DeploymentSpec `json:"spec"`
}

type CloneSetSpec struct {
	Replicas                *int32                     `json:"replicas,omitempty"`
	Selector                *metav1.LabelSelector      `json:"selector"`
	Template                v1.PodTemplateSpec         `json:"template"`
	VolumeClaimTemplates    []v1.PersistentVolumeClaim `json:"volumeClaimTemplates,omitempty"`
	ScaleStrategy           CloneSetScaleStrategy      `json:"scaleStrategy,omitempty"`
	UpdateStrategy          CloneSetUpdateStrategy     `json:"updateStrategy,omitempty"`
	RevisionHistoryLimit    *int32                     `json:"revisionHistoryLimit,omitempty"`
	MinReadySeconds         int32                      `json:"minReadySeconds,omitempty"`
	Lifecycle               *pub.Lifecycle             `json:"lifecycle,omitempty"`
	ProgressDeadlineSeconds *int32                     `json:"progressDeadlineSeconds,omitempty"`
}

type CloneSetScaleStrategy struct {
	PodsToDelete    []string            `json:"podsToDelete,omitempty"`
	MaxUnavailable  *intstr.IntOrString `json:"maxUnavailable,omitempty"`
	DisablePVCReuse bool                `json:"disablePVCReuse,omitempty"`
}

type CloneSetUpdateStrategy struct {
	Type                  string                      `json:"type,omitempty"`
	Partition             *intstr.IntOrString         `json:"partition,omitempty"`
	MaxUnavailable        *intstr.IntOrString         `json:"maxUnavailable,omitempty"`
	MaxSurge              *intstr.IntOrString         `json:"maxSurge,omitempty"`
	Paused                bool                        `json:"paused,omitempty"`
	PriorityStrategy      *pub.UpdatePriorityStrategy `json:"priorityStrategy,omitempty"`
	ScatterStrategy       []UpdateScatterTerm         `json:"scatterStrategy,omitempty"`
	InPlaceUpdateStrategy *pub.InPlaceUpdateStrategy  `json:"inPlaceUpdateStrategy,omitempty"`
}

type UpdateScatterTerm struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
