package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/dump"
)

// The annotation OpenKruise's CloneSet controller writes on every revision it creates.
const vctHashAnnotation = "kruise.io/cloneset-volumeclaimtemplate-hash"

type vctCase struct {
	Name      string          `json:"name"`
	Templates json.RawMessage `json:"volumeClaimTemplates"`
}

type vctResult struct {
	Name string `json:"name"`
	// Data is the JSON the hash is taken over (after Kubernetes' deep-hash printing of it as a byte slice).
	Data       string            `json:"data"`
	Annotation map[string]string `json:"annotations"`
}

// vctGolden computes the volumeClaimTemplates hash annotation of a CloneSet revision as OpenKruise's controller
// does for the stored spec.volumeClaimTemplates: each template decoded into the typed PersistentVolumeClaim and
// defaulted as its webhook defaults a CloneSet's claim templates, cut down to its name and spec, sorted by name
// (stable), json.Marshal'ed as a slice, and that byte slice hashed with FNV-1a 32 through Kubernetes'
// DeepHashObject (which prints it with dump.ForHash). The annotation is the decimal hash, or "" without templates.
func vctGolden(path string) map[string]any {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var input struct {
		Cases []vctCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		fail(path + ": " + err.Error())
	}
	results := make([]vctResult, 0, len(input.Cases))
	for _, c := range input.Cases {
		var templates []corev1.PersistentVolumeClaim
		if len(c.Templates) > 0 {
			if err := json.Unmarshal(c.Templates, &templates); err != nil {
				fail(c.Name + ": " + err.Error())
			}
		}
		for i := range templates {
			defaultClaimTemplate(&templates[i])
		}
		var pvcs []corev1.PersistentVolumeClaim
		for _, t := range templates {
			pvcs = append(pvcs, corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: t.Name}, Spec: t.Spec})
		}
		sort.SliceStable(pvcs, func(i, j int) bool { return pvcs[i].Name < pvcs[j].Name })
		data, err := json.Marshal(pvcs)
		if err != nil {
			fail(c.Name + ": " + err.Error())
		}
		h := fnv.New32a()
		fmt.Fprintf(h, "%v", dump.ForHash(data))
		value := ""
		if len(templates) != 0 {
			value = strconv.FormatUint(uint64(h.Sum32()), 10)
		}
		results = append(results, vctResult{Name: c.Name, Data: string(data), Annotation: map[string]string{vctHashAnnotation: value}})
	}
	return map[string]any{"cases": results}
}
