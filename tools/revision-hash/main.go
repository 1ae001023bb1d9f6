// Command revision-hash computes CloneSet and UnitedDeployment revision names the way OpenKruise's Go
// controllers compute them, so that Kruise-TS can check its own hashing against them.
//
//	revision-hash golden <cases.json>          one result per case: the defaulted template, the hashed bytes, the hash
//	revision-hash united-golden <cases.json>   the same for UnitedDeployment subset templates (spec.template)
//	revision-hash vct-golden <cases.json>      CloneSet's volumeClaimTemplates hash annotation, one per case
//	revision-hash env-golden <cases.json>      the extractedEnvFromMetadataHash of resolved env values, one per case
//	revision-hash fields                       the JSON encoding rules of core/v1 PodTemplateSpec and of
//	                                           OpenKruise's SubsetTemplate, from reflection
//
// The template of each case is decoded into the typed k8s.io/api struct, defaulted as OpenKruise's webhook
// defaults a pod template (Kubernetes' own defaulting functions, plus imagePullPolicy Always for app
// containers that set none), encoded back, wrapped as a strategic merge patch that replaces the template,
// re-encoded through a generic map (sorted keys) and hashed by Kubernetes' HashControllerRevision.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	"hash/fnv"
	"strconv"

	"github.com/distribution/reference"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
	"kruise-ts.local/tools/revision-hash/kruiseapi/v1alpha1"
)

type goldenCase struct {
	Name           string          `json:"name"`
	CloneSet       string          `json:"cloneSet"`
	CollisionCount int32           `json:"collisionCount"`
	Template       json.RawMessage `json:"template"`
}

type goldenResult struct {
	Name              string          `json:"name"`
	DefaultedTemplate json.RawMessage `json:"defaultedTemplate"`
	Data              string          `json:"data"`
	Hash              string          `json:"hash"`
	RevisionName      string          `json:"revisionName"`
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: revision-hash golden|united-golden|vct-golden|env-golden <cases.json> | revision-hash fields")
	}
	var out any
	switch os.Args[1] {
	case "golden":
		if len(os.Args) != 3 {
			fail("usage: revision-hash golden <cases.json>")
		}
		out = golden(os.Args[2])
	case "united-golden":
		if len(os.Args) != 3 {
			fail("usage: revision-hash united-golden <cases.json>")
		}
		out = unitedGolden(os.Args[2])
	case "vct-golden":
		if len(os.Args) != 3 {
			fail("usage: revision-hash vct-golden <cases.json>")
		}
		out = vctGolden(os.Args[2])
	case "env-golden":
		if len(os.Args) != 3 {
			fail("usage: revision-hash env-golden <cases.json>")
		}
		out = envGolden(os.Args[2])
	case "fields":
		out = fields()
	default:
		fail("unknown command " + os.Args[1])
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "revision-hash:", msg)
	os.Exit(2)
}

func golden(path string) map[string]any {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var input struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		fail(path + ": " + err.Error())
	}
	results := make([]goldenResult, 0, len(input.Cases))
	for _, c := range input.Cases {
		var tpl corev1.PodTemplateSpec
		if err := json.Unmarshal(c.Template, &tpl); err != nil {
			fail(c.Name + ": " + err.Error())
		}
		defaultTemplate(&tpl.Spec)
		encoded, err := json.Marshal(tpl)
		if err != nil {
			fail(c.Name + ": " + err.Error())
		}
		data := revisionData(encoded)
		hash := hashRevision(data, c.CollisionCount)
		results = append(results, goldenResult{
			Name:              c.Name,
			DefaultedTemplate: encoded,
			Data:              string(data),
			Hash:              hash,
			RevisionName:      revisionName(c.CloneSet, hash),
		})
	}
	return map[string]any{"cases": results}
}

type unitedCase struct {
	Name             string          `json:"name"`
	UnitedDeployment string          `json:"unitedDeployment"`
	CollisionCount   int32           `json:"collisionCount"`
	Template         json.RawMessage `json:"template"`
}

type unitedResult struct {
	Name         string `json:"name"`
	Data         string `json:"data"`
	Hash         string `json:"hash"`
	RevisionName string `json:"revisionName"`
}

// unitedGolden computes UnitedDeployment revisions as OpenKruise does: the stored spec.template (decoded
// into the typed SubsetTemplate and defaulted as its mutating webhook defaults a new or changed template:
// only a statefulSetTemplate's pod spec and volume claim templates), encoded, wrapped as a patch that
// replaces spec.template (getUnitedDeploymentPatch) and hashed by HashControllerRevision.
func unitedGolden(path string) map[string]any {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var input struct {
		Cases []unitedCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		fail(path + ": " + err.Error())
	}
	results := make([]unitedResult, 0, len(input.Cases))
	for _, c := range input.Cases {
		var tpl v1alpha1.SubsetTemplate
		if err := json.Unmarshal(c.Template, &tpl); err != nil {
			fail(c.Name + ": " + err.Error())
		}
		if sts := tpl.StatefulSetTemplate; sts != nil {
			defaultTemplate(&sts.Spec.Template.Spec)
			for i := range sts.Spec.VolumeClaimTemplates {
				defaultClaimTemplate(&sts.Spec.VolumeClaimTemplates[i])
			}
		}
		encoded, err := json.Marshal(tpl)
		if err != nil {
			fail(c.Name + ": " + err.Error())
		}
		data := revisionData(encoded)
		hash := hashRevision(data, c.CollisionCount)
		results = append(results, unitedResult{
			Name:         c.Name,
			Data:         string(data),
			Hash:         hash,
			RevisionName: revisionName(c.UnitedDeployment, hash),
		})
	}
	return map[string]any{"cases": results}
}

// defaultClaimTemplate is what OpenKruise's webhook does to a volume claim template: Kubernetes'
// SetDefaults_PersistentVolumeClaim (only the phase; volumeMode is the spec's own defaulter, not called)
// and resource rounding.
func defaultClaimTemplate(c *corev1.PersistentVolumeClaim) {
	if c.Status.Phase == "" {
		c.Status.Phase = corev1.ClaimPending
	}
	defaultResourceList(&c.Spec.Resources.Limits)
	defaultResourceList(&c.Spec.Resources.Requests)
	defaultResourceList(&c.Status.Capacity)
}

// revisionData wraps an encoded template as {"spec":{"template":{...,"$patch":"replace"}}}, re-encoded
// through generic maps so that every object's keys come out sorted.
func revisionData(template []byte) []byte {
	var generic map[string]any
	if err := json.Unmarshal(template, &generic); err != nil {
		fail(err.Error())
	}
	generic["$patch"] = "replace"
	out, err := json.Marshal(map[string]any{"spec": map[string]any{"template": generic}})
	if err != nil {
		fail(err.Error())
	}
	return out
}

// hashRevision is Kubernetes' controller-history hash: 32-bit FNV-1 over the data, then the collision
// count's decimal digits, printed in decimal and mapped onto the vowel-free alphabet.
func hashRevision(data []byte, collisionCount int32) string {
	h := fnv.New32()
	h.Write(data)
	h.Write([]byte(strconv.FormatInt(int64(collisionCount), 10)))
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// revisionName is <owner>-<hash>, the owner's name cut so that the whole name fits 253 characters.
func revisionName(owner, hash string) string {
	if len(owner) > 223 {
		owner = owner[:223]
	}
	return owner + "-" + hash
}

// defaultTemplate applies the defaults a Kruise pod-template webhook applies: the PodSpec defaults, each
// volume's, each container's (app containers pull Always when they say nothing), ports, field
// references, resource rounding, probes and HTTP handlers.
func defaultTemplate(spec *corev1.PodSpec) {
	defaultPodSpec(spec)
	for i := range spec.Volumes {
		defaultPodVolume(&spec.Volumes[i])
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		defaultContainer(c)
		defaultContainerParts(c)
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		if c.ImagePullPolicy == "" {
			c.ImagePullPolicy = corev1.PullAlways
		}
		defaultContainer(c)
		defaultContainerParts(c)
	}
	for i := range spec.EphemeralContainers {
		c := corev1.Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		defaultContainerParts(&c)
		spec.EphemeralContainers[i].EphemeralContainerCommon = corev1.EphemeralContainerCommon(c)
	}
	defaultResourceList(&spec.Overhead)
}

func defaultContainerParts(c *corev1.Container) {
	for j := range c.Ports {
		if c.Ports[j].Protocol == "" {
			c.Ports[j].Protocol = corev1.ProtocolTCP
		}
	}
	for j := range c.Env {
		if from := c.Env[j].ValueFrom; from != nil && from.FieldRef != nil {
			defaultObjectFieldSelector(from.FieldRef)
		}
	}
	defaultResourceList(&c.Resources.Limits)
	defaultResourceList(&c.Resources.Requests)
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p == nil {
			continue
		}
		defaultProbe(p)
		if p.HTTPGet != nil {
			defaultHTTPGetAction(p.HTTPGet)
		}
	}
	if c.Lifecycle != nil {
		for _, h := range []*corev1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if h != nil && h.HTTPGet != nil {
				defaultHTTPGetAction(h.HTTPGet)
			}
		}
	}
}

func defaultPodVolume(v *corev1.Volume) {
	defaultVolume(v)
	src := &v.VolumeSource
	if src.HostPath != nil {
		defaultHostPathVolumeSource(src.HostPath)
	}
	if src.Secret != nil {
		defaultSecretVolumeSource(src.Secret)
	}
	if src.ConfigMap != nil {
		defaultConfigMapVolumeSource(src.ConfigMap)
	}
	if src.DownwardAPI != nil {
		defaultDownwardAPIVolumeSource(src.DownwardAPI)
		for j := range src.DownwardAPI.Items {
			if ref := src.DownwardAPI.Items[j].FieldRef; ref != nil {
				defaultObjectFieldSelector(ref)
			}
		}
	}
	if src.Projected != nil {
		defaultProjectedVolumeSource(src.Projected)
		for j := range src.Projected.Sources {
			s := &src.Projected.Sources[j]
			if s.DownwardAPI != nil {
				for k := range s.DownwardAPI.Items {
					if ref := s.DownwardAPI.Items[k].FieldRef; ref != nil {
						defaultObjectFieldSelector(ref)
					}
				}
			}
			if s.ServiceAccountToken != nil {
				defaultServiceAccountTokenProjection(s.ServiceAccountToken)
			}
		}
	}
}

// fieldTable describes, for every struct reachable from PodTemplateSpec, how encoding/json writes it:
// the JSON name of each field, whether it is omitempty, and its type as a short expression:
// string | int | float | bool | quantity | intstr | time | raw | bytes | *T | []T | map[]T | <struct name>.
type fieldTable struct {
	Root               string                        `json:"root"`
	SubsetTemplateRoot string                        `json:"subsetTemplateRoot"`
	Types              map[string][]fieldDescription `json:"types"`
}

type fieldDescription struct {
	JSON      string `json:"json"`
	OmitEmpty bool   `json:"omitempty,omitempty"`
	Type      string `json:"type"`
}

var (
	quantityType = reflect.TypeOf(resource.Quantity{})
	intstrType   = reflect.TypeOf(intstr.IntOrString{})
	timeType     = reflect.TypeOf(metav1.Time{})
	microType    = reflect.TypeOf(metav1.MicroTime{})
	fieldsV1Type = reflect.TypeOf(metav1.FieldsV1{})
	rawExtType   = reflect.TypeOf(runtime.RawExtension{})
)

func fields() fieldTable {
	table := fieldTable{Types: map[string][]fieldDescription{}}
	table.Root = typeExpr(reflect.TypeOf(corev1.PodTemplateSpec{}), table.Types)
	table.SubsetTemplateRoot = typeExpr(reflect.TypeOf(v1alpha1.SubsetTemplate{}), table.Types)
	return table
}

// namedTypes remembers which Go type each short name stands for, so that two packages' structs of the
// same short name (core/v1 and apps/v1 are both "v1") cannot silently share one table entry.
var namedTypes = map[string]reflect.Type{}

func typeName(t reflect.Type) string {
	pkg := t.PkgPath()
	name := pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
	if seen, ok := namedTypes[name]; ok && seen != t {
		fail("two types share the name " + name + ": " + seen.PkgPath() + " and " + pkg)
	}
	namedTypes[name] = t
	return name
}

func typeExpr(t reflect.Type, types map[string][]fieldDescription) string {
	switch t {
	case quantityType:
		return "quantity"
	case intstrType:
		return "intstr"
	case timeType, microType:
		return "time"
	case fieldsV1Type, rawExtType:
		return "raw"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Pointer:
		return "*" + typeExpr(t.Elem(), types)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		return "[]" + typeExpr(t.Elem(), types)
	case reflect.Map:
		return "map[]" + typeExpr(t.Elem(), types)
	case reflect.Struct:
		name := typeName(t)
		if _, seen := types[name]; !seen {
			types[name] = nil // recursion guard
			types[name] = structFields(t, types)
		}
		return name
	}
	fail("unsupported type " + t.String())
	return ""
}

// structFields lists a struct's fields as encoding/json sees them, in declaration order, inline (anonymous or ",inline") structs
// flattened into their parent.
func structFields(t reflect.Type, types map[string][]fieldDescription) []fieldDescription {
	var out []fieldDescription
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, structFields(f.Type, types)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, fieldDescription{
			JSON:      name,
			OmitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
			Type:      typeExpr(f.Type, types),
		})
	}
	// Declaration order, which is the order encoding/json writes a struct's fields in (the volumeClaimTemplates
	// hash is taken over such bytes, not over sorted ones).
	return out
}

// The Kubernetes defaulting functions (pkg/apis/core/v1) that a Kruise pod-template webhook applies,
// restated over the k8s.io/api types.

func defaultPodSpec(s *corev1.PodSpec) {
	if s.DNSPolicy == "" {
		s.DNSPolicy = corev1.DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &corev1.PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		period := int64(corev1.DefaultTerminationGracePeriodSeconds)
		s.TerminationGracePeriodSeconds = &period
	}
	if s.SchedulerName == "" {
		s.SchedulerName = corev1.DefaultSchedulerName
	}
}

// imageTag is the tag Kubernetes' image-name parser finds: "latest" when neither tag nor digest is given,
// "" when the reference does not parse.
func imageTag(image string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return ""
	}
	tag := ""
	if tagged, ok := named.(reference.Tagged); ok {
		tag = tagged.Tag()
	}
	_, digested := named.(reference.Digested)
	if tag == "" && !digested {
		tag = "latest"
	}
	return tag
}

func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		if imageTag(c.Image) == "latest" {
			c.ImagePullPolicy = corev1.PullAlways
		} else {
			c.ImagePullPolicy = corev1.PullIfNotPresent
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
}

func defaultResourceList(list *corev1.ResourceList) {
	for name, q := range *list {
		q.RoundUp(-3) // milli scale, as the API server rounds
		(*list)[name] = q
	}
}

func defaultProbe(p *corev1.Probe) {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
}

func defaultHTTPGetAction(a *corev1.HTTPGetAction) {
	if a.Path == "" {
		a.Path = "/"
	}
	if a.Scheme == "" {
		a.Scheme = corev1.URISchemeHTTP
	}
}

func defaultObjectFieldSelector(s *corev1.ObjectFieldSelector) {
	if s.APIVersion == "" {
		s.APIVersion = "v1"
	}
}

func defaultVolume(v *corev1.Volume) {
	if reflect.ValueOf(v.VolumeSource).IsZero() {
		v.VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	}
}

func defaultHostPathVolumeSource(s *corev1.HostPathVolumeSource) {
	if s.Type == nil {
		unset := corev1.HostPathUnset
		s.Type = &unset
	}
}

func defaultMode(mode **int32, value int32) {
	if *mode == nil {
		*mode = &value
	}
}

func defaultSecretVolumeSource(s *corev1.SecretVolumeSource) {
	defaultMode(&s.DefaultMode, corev1.SecretVolumeSourceDefaultMode)
}

func defaultConfigMapVolumeSource(s *corev1.ConfigMapVolumeSource) {
	defaultMode(&s.DefaultMode, corev1.ConfigMapVolumeSourceDefaultMode)
}

func defaultDownwardAPIVolumeSource(s *corev1.DownwardAPIVolumeSource) {
	defaultMode(&s.DefaultMode, corev1.DownwardAPIVolumeSourceDefaultMode)
}

func defaultProjectedVolumeSource(s *corev1.ProjectedVolumeSource) {
	defaultMode(&s.DefaultMode, corev1.ProjectedVolumeSourceDefaultMode)
}

func defaultServiceAccountTokenProjection(p *corev1.ServiceAccountTokenProjection) {
	if p.ExpirationSeconds == nil {
		hour := int64(3600)
		p.ExpirationSeconds = &hour
	}
}
