package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/dump"
)

type envCase struct {
	Name string          `json:"name"`
	Envs []corev1.EnvVar `json:"envs"`
}

type envResult struct {
	Name string `json:"name"`
	// Data is the JSON the hash is taken over (after Kubernetes' deep-hash printing of it as a byte slice).
	Data string `json:"data"`
	Hash uint64 `json:"extractedEnvFromMetadataHash"`
}

// envGolden computes the extractedEnvFromMetadataHash kruise-daemon reports (and OpenKruise's manager expects) for
// the env values of a container's env from metadata, given here already resolved as name/value pairs: sorted by
// name (stable), json.Marshal'ed as a []EnvVar, that byte slice hashed with FNV-1a 32 through Kubernetes'
// DeepHashObject (dump.ForHash).
func envGolden(path string) map[string]any {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var input struct {
		Cases []envCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		fail(path + ": " + err.Error())
	}
	results := make([]envResult, 0, len(input.Cases))
	for _, c := range input.Cases {
		envs := c.Envs
		sort.SliceStable(envs, func(i, j int) bool { return envs[i].Name < envs[j].Name })
		data, err := json.Marshal(envs)
		if err != nil {
			fail(c.Name + ": " + err.Error())
		}
		h := fnv.New32a()
		fmt.Fprintf(h, "%v", dump.ForHash(data))
		results = append(results, envResult{Name: c.Name, Data: string(data), Hash: uint64(h.Sum32())})
	}
	return map[string]any{"cases": results}
}
