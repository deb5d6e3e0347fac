// Command ssa runs kube-apiserver's server-side apply merge (sigs.k8s.io/structured-merge-diff
// v4, merge.Updater) over test cases read as JSON on stdin, and writes the outcome as JSON
// on stdout. See test/helpers/ssa.ts for the input and output shapes.
//
// What it reproduces of the API server's field manager
// (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager):
//   - the object that exists was created by `liveManager` with an Update operation
//     (kubectl client-side apply is a create/patch, recorded as operation Update by
//     manager "kubectl-client-side-apply"): Updater.Update from an empty object;
//   - stripMetaManager: apiVersion, kind, metadata.name, metadata.namespace (and the other
//     server-set metadata) are removed from every manager's field set after each operation;
//   - optional `before` operations by other managers (Update or Apply);
//   - optional migration, as client-go's csaupgrade.UpgradeManagedFields does (kubectl
//     apply --server-side over a client-side applied object; Argo CD's
//     ClientSideApplyMigration): the live manager's Update entry is moved into the
//     applier's Apply entry (union with it), so the applier "last applied" every field;
//   - the apply: Updater.Apply(live, applied, version, managers, applier, force).
//
// lastAppliedManager (which turns conflicts into a forced apply when the applied config
// equals the last-applied annotation) only acts for manager "kubectl", so it plays no part
// for argocd-controller or kustomize-controller. A single version is served, so the
// converter is the identity.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"sigs.k8s.io/structured-merge-diff/v4/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v4/merge"
	"sigs.k8s.io/structured-merge-diff/v4/schema"
	"sigs.k8s.io/structured-merge-diff/v4/typed"
	"sigs.k8s.io/structured-merge-diff/v4/value"
)

type step struct {
	Manager   string      `json:"manager"`
	Operation string      `json:"operation"` // "Apply" or "Update"
	Object    interface{} `json:"object"`
	Force     bool        `json:"force"`
}

type testCase struct {
	Name        string          `json:"name"`
	Schema      json.RawMessage `json:"schema"` // an openAPIV3Schema object, or "ConfigMap"
	Live        interface{}     `json:"live"`
	LiveManager string          `json:"liveManager"`
	Before      []step          `json:"before"`
	Migrate     bool            `json:"migrate"`
	// KubectlApply: apply as kubectl >= 0.26 does (Argo CD 2.10 and later): after the
	// server-side apply, migrateToSSAIfNecessary (pkg/cmd/apply/apply.go) hands every Update
	// manager owning the last-applied annotation to the applier, then applies again.
	KubectlApply bool `json:"kubectlApply"`
	Applied     interface{}     `json:"applied"`
	Applier     string          `json:"applier"`
	Force       bool            `json:"force"`
}

type input struct {
	Cases []testCase `json:"cases"`
}

type pathOut struct {
	Path     string   `json:"path"`     // fieldpath.Path.String(), e.g. .spec.remoteWrite
	Elements []string `json:"elements"` // field names as is, other elements as "[...]"
}

type managerOut struct {
	Operation  string          `json:"operation"`
	APIVersion string          `json:"apiVersion"`
	Fields     []pathOut       `json:"fields"` // every member of the set
	Leaves     []pathOut       `json:"leaves"` // Set.Leaves()
	FieldsV1   json.RawMessage `json:"fieldsV1"`
}

type conflictOut struct {
	Manager string  `json:"manager"`
	Path    pathOut `json:"path"`
}

type comparisonOut struct {
	Removed  []pathOut `json:"removed"`
	Modified []pathOut `json:"modified"`
	Added    []pathOut `json:"added"`
}

type result struct {
	Name string `json:"name"`
	// Object is the object after the apply (the live object if the apply failed).
	Object json.RawMessage `json:"object"`
	// Managers are the managed fields after the apply (before it, if it failed).
	Managers map[string]managerOut `json:"managers"`
	// ManagersBefore are the managed fields the apply started from (after migration).
	ManagersBefore map[string]managerOut `json:"managersBefore"`
	// Comparison is live → result, as typed.Compare sees it.
	Comparison *comparisonOut `json:"comparison"`
	Conflict   string         `json:"conflict"`
	Conflicts  []conflictOut  `json:"conflicts"`
	Error      string         `json:"error"`
	// Migrated: the managers kubectl's post-apply step migrated (KubectlApply).
	Migrated []string `json:"migrated"`
}

// identity converts nothing: one version is served.
type identity struct{}

func (identity) Convert(o *typed.TypedValue, _ fieldpath.APIVersion) (*typed.TypedValue, error) {
	return o, nil
}
func (identity) IsMissingVersionError(error) bool { return false }

// stripSet is stripMetaManager's set.
var stripSet = fieldpath.NewSet(
	fieldpath.MakePathOrDie("apiVersion"),
	fieldpath.MakePathOrDie("kind"),
	fieldpath.MakePathOrDie("metadata"),
	fieldpath.MakePathOrDie("metadata", "name"),
	fieldpath.MakePathOrDie("metadata", "namespace"),
	fieldpath.MakePathOrDie("metadata", "creationTimestamp"),
	fieldpath.MakePathOrDie("metadata", "selfLink"),
	fieldpath.MakePathOrDie("metadata", "uid"),
	fieldpath.MakePathOrDie("metadata", "clusterName"),
	fieldpath.MakePathOrDie("metadata", "generation"),
	fieldpath.MakePathOrDie("metadata", "managedFields"),
	fieldpath.MakePathOrDie("metadata", "resourceVersion"),
)

func strip(managers fieldpath.ManagedFields) {
	for name, vs := range managers {
		s := vs.Set().Difference(stripSet)
		if s.Empty() {
			delete(managers, name)
			continue
		}
		managers[name] = fieldpath.NewVersionedSet(s, vs.APIVersion(), vs.Applied())
	}
}

// normalize turns json.Number into int64 (or float64) as the API server's decoder does.
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case []interface{}:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	default:
		return v
	}
}

func elementString(pe fieldpath.PathElement) string {
	if pe.FieldName != nil {
		return *pe.FieldName
	}
	return pe.String()
}

func paths(s *fieldpath.Set) []pathOut {
	out := []pathOut{}
	if s == nil {
		return out
	}
	s.Iterate(func(p fieldpath.Path) {
		elements := make([]string, len(p))
		for i, pe := range p {
			elements[i] = elementString(pe)
		}
		out = append(out, pathOut{Path: p.String(), Elements: elements})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func managersOut(managers fieldpath.ManagedFields) map[string]managerOut {
	out := map[string]managerOut{}
	for name, vs := range managers {
		op := "Update"
		if vs.Applied() {
			op = "Apply"
		}
		fj, err := vs.Set().ToJSON()
		if err != nil {
			fj = []byte("null")
		}
		out[name] = managerOut{
			Operation:  op,
			APIVersion: string(vs.APIVersion()),
			Fields:     paths(vs.Set()),
			Leaves:     paths(vs.Set().Leaves()),
			FieldsV1:   fj,
		}
	}
	return out
}

func apiVersionOf(o interface{}) fieldpath.APIVersion {
	if m, ok := o.(map[string]interface{}); ok {
		if s, ok := m["apiVersion"].(string); ok {
			return fieldpath.APIVersion(s)
		}
	}
	return fieldpath.APIVersion("v1")
}

func buildSchema(raw json.RawMessage) (*schema.Schema, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		if name == "ConfigMap" {
			return configMapSchema(), nil
		}
		return nil, fmt.Errorf("unknown built-in type %q", name)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var s map[string]interface{}
	if err := d.Decode(&s); err != nil {
		return nil, fmt.Errorf("schema: %v", err)
	}
	return crdSchema(s)
}

func run(c testCase) (res result) {
	res.Name = c.Name
	res.Managers = map[string]managerOut{}
	fail := func(format string, args ...interface{}) result {
		res.Error = fmt.Sprintf(format, args...)
		return res
	}
	sc, err := buildSchema(c.Schema)
	if err != nil {
		return fail("%v", err)
	}
	pt := typed.ParseableType{Schema: sc, TypeRef: named(rootName)}
	if !pt.IsValid() {
		return fail("root type does not resolve")
	}
	parse := func(what string, o interface{}) (*typed.TypedValue, error) {
		tv, err := pt.FromUnstructured(o)
		if err != nil {
			return nil, fmt.Errorf("%s does not match the schema: %v", what, err)
		}
		return tv, nil
	}
	version := apiVersionOf(c.Live)
	updater := merge.Updater{Converter: identity{}}

	empty, err := parse("the empty object", map[string]interface{}{})
	if err != nil {
		return fail("%v", err)
	}
	live, err := parse("live", c.Live)
	if err != nil {
		return fail("%v", err)
	}
	managers := fieldpath.ManagedFields{}
	// Creation by the live manager: an Update from nothing to the live object.
	obj, managers, err := updater.Update(empty, live, version, managers, c.LiveManager)
	if err != nil {
		return fail("create by %s: %v", c.LiveManager, err)
	}
	strip(managers)

	for i, st := range c.Before {
		tv, err := parse(fmt.Sprintf("before[%d]", i), st.Object)
		if err != nil {
			return fail("%v", err)
		}
		var next *typed.TypedValue
		switch st.Operation {
		case "Update":
			next, managers, err = updater.Update(obj, tv, version, managers, st.Manager)
		case "Apply":
			next, managers, err = updater.Apply(obj, tv, version, managers, st.Manager, st.Force)
		default:
			return fail("before[%d]: unknown operation %q", i, st.Operation)
		}
		if err != nil {
			return fail("before[%d] (%s %s): %v", i, st.Operation, st.Manager, err)
		}
		if next != nil {
			obj = next
		}
		strip(managers)
	}

	if c.Migrate {
		// csaupgrade.UpgradeManagedFields: the client-side apply manager's Update entry
		// becomes (part of) the server-side applier's Apply entry.
		if csa, ok := managers[c.LiveManager]; ok && !csa.Applied() {
			set := csa.Set()
			if ssa, ok := managers[c.Applier]; ok && ssa.Applied() {
				set = set.Union(ssa.Set())
			}
			managers[c.Applier] = fieldpath.NewVersionedSet(set, version, true)
			delete(managers, c.LiveManager)
		}
	}
	res.ManagersBefore = managersOut(managers)
	before := obj

	applied, err := parse("applied", c.Applied)
	if err != nil {
		return fail("%v", err)
	}
	next, newManagers, err := updater.Apply(obj, applied, version, managers.Copy(), c.Applier, c.Force)
	if err != nil {
		res.Conflict = err.Error()
		var conflicts merge.Conflicts
		if errors.As(err, &conflicts) {
			for _, cf := range conflicts {
				res.Conflicts = append(res.Conflicts, conflictOut{Manager: cf.Manager, Path: paths(fieldpath.NewSet(cf.Path))[0]})
			}
			sort.Slice(res.Conflicts, func(i, j int) bool {
				return res.Conflicts[i].Manager+res.Conflicts[i].Path.Path < res.Conflicts[j].Manager+res.Conflicts[j].Path.Path
			})
		} else {
			res.Error = err.Error()
		}
		newManagers = managers
	} else {
		if next != nil {
			obj = next
		}
		strip(newManagers)
		if c.KubectlApply {
			var err error
			obj, newManagers, res.Migrated, err = kubectlMigration(updater, obj, applied, version, newManagers, c.Applier, c.Force)
			if err != nil {
				return fail("kubectl migration: %v", err)
			}
		}
	}
	res.Managers = managersOut(newManagers)

	cmp, err := before.Compare(obj)
	if err != nil {
		return fail("compare: %v", err)
	}
	res.Comparison = &comparisonOut{Removed: paths(cmp.Removed), Modified: paths(cmp.Modified), Added: paths(cmp.Added)}
	j, err := value.ToJSON(obj.AsValue())
	if err != nil {
		return fail("to JSON: %v", err)
	}
	res.Object = j
	return res
}

// lastApplied is the field csaupgrade.FindFieldsOwners looks for.
var lastApplied = fieldpath.MakePathOrDie("metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration")

// kubectlMigration is kubectl's post-apply step (k8s.io/kubectl v0.26+ apply.go,
// migrateToSSAIfNecessary, with client-go csaupgrade): the Update managers that own the
// last-applied annotation are merged into the applier's Apply entry and removed, and the
// same object is applied again, so that fields it lacks are dropped.
func kubectlMigration(updater merge.Updater, obj, applied *typed.TypedValue, version fieldpath.APIVersion, managers fieldpath.ManagedFields, applier string, force bool) (*typed.TypedValue, fieldpath.ManagedFields, []string, error) {
	var owners []string
	for name, m := range managers {
		if !m.Applied() && m.Set().Has(lastApplied) {
			owners = append(owners, name)
		}
	}
	sort.Strings(owners)
	if len(owners) == 0 {
		return obj, managers, nil, nil
	}
	set := fieldpath.NewSet()
	if own, ok := managers[applier]; ok {
		set = own.Set()
	}
	for _, name := range owners {
		set = set.Union(managers[name].Set())
		delete(managers, name)
	}
	managers[applier] = fieldpath.NewVersionedSet(set, version, true)
	next, managers, err := updater.Apply(obj, applied, version, managers, applier, force)
	if err != nil {
		return nil, nil, nil, err
	}
	if next != nil {
		obj = next
	}
	strip(managers)
	return obj, managers, owners, nil
}

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var in input
	if err := d.Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "input:", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(in.Cases))
	for _, c := range in.Cases {
		if c.Name == "" || c.LiveManager == "" || c.Applier == "" {
			fmt.Fprintln(os.Stderr, "every case needs name, liveManager and applier:", strings.TrimSpace(c.Name))
			os.Exit(2)
		}
		c.Live = normalize(c.Live)
		c.Applied = normalize(c.Applied)
		for i := range c.Before {
			c.Before[i].Object = normalize(c.Before[i].Object)
		}
		results = append(results, run(c))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(map[string]interface{}{"results": results}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
