// Package pub restates the shared OpenKruise API structs (apis/apps/pub at OpenKruise 1.8) that a
// UnitedDeployment's subset templates embed. Only the JSON shape matters here: field names, types and
// omitempty, which decide how encoding/json writes a template and so its revision hash.
package pub

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

type Lifecycle struct {
	PreDelete     *LifecycleHook `json:"preDelete,omitempty"`
	InPlaceUpdate *LifecycleHook `json:"inPlaceUpdate,omitempty"`
	PreNormal     *LifecycleHook `json:"preNormal,omitempty"`
}

type LifecycleHook struct {
	LabelsHandler     map[string]string `json:"labelsHandler,omitempty"`
	FinalizersHandler []string          `json:"finalizersHandler,omitempty"`
	MarkPodNotReady   bool              `json:"markPodNotReady,omitempty"`
}

type UpdatePriorityStrategy struct {
	OrderPriority  []UpdatePriorityOrderTerm  `json:"orderPriority,omitempty"`
	WeightPriority []UpdatePriorityWeightTerm `json:"weightPriority,omitempty"`
}

type UpdatePriorityOrderTerm struct {
	OrderedKey string `json:"orderedKey"`
}

type UpdatePriorityWeightTerm struct {
	Weight        int32                `json:"weight"`
	MatchSelector metav1.LabelSelector `json:"matchSelector"`
}

type InPlaceUpdateStrategy struct {
	GracePeriodSeconds int32 `json:"gracePeriodSeconds,omitempty"`
}
