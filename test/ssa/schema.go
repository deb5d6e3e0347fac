package main

// Conversion of a CRD's openAPIV3Schema (and of the core ConfigMap type) into a
// structured-merge-diff schema, following the rules kube-apiserver uses to build the
// type converter of its field manager:
//
//   - apiextensions-apiserver pkg/controller/openapi/builder (builder.go): the served
//     schema of a custom resource is its openAPIV3Schema, with `apiVersion` and `kind`
//     (strings) and `metadata` (a reference to meta/v1 ObjectMeta) put at the root,
//     whatever the CRD says there; `spec.preserveUnknownFields` is false for
//     apiextensions.k8s.io/v1 CRDs, so the converter starts with preserve-unknown off.
//   - kube-openapi pkg/schemaconv (openapi.go ToSchemaFromOpenAPI / parseSchema /
//     parseObject / parseList, proto_models.go convertPrimitive /
//     getListElementRelationship / getMapElementRelationship, smd.go for the OpenAPI v2
//     path used by older servers, deducedDef / untypedDef):
//   - `x-kubernetes-preserve-unknown-fields: true` opts the node AND all its
//     descendants into preserving unknown fields (visitSpec / makeRef pass it down).
//   - type object → map. `properties` become fields. Element type: the
//     `additionalProperties` schema if given; `__untyped_deduced_` if
//     additionalProperties is `true`, or absent while preserve-unknown is on or there
//     are no properties (a free-form object); none otherwise (unknown keys rejected).
//     `x-kubernetes-map-type: atomic` → atomic, `granular` → separable, absent →
//     separable (the zero value; typed/merge.go only treats Atomic specially).
//   - type array → list. `x-kubernetes-list-type: atomic` or absent → atomic;
//     `set` → associative without keys; `map` → associative with
//     `x-kubernetes-list-map-keys`. Items → element type; no items → `__untyped_atomic_`.
//   - integer, number → numeric; boolean → boolean; string → string, but a string
//     with a format other than "" or "byte" (int-or-string, date-time, ...) → untyped.
//   - no type (e.g. `x-kubernetes-int-or-string: true` with anyOf integer/string) →
//     untyped scalar, plus list and map alternatives as in parseSchema's `case ""`.
//     The OpenAPI v2 builder publishes int-or-string as `type: string, format:
//     int-or-string`, which convertPrimitive also makes untyped: same merge behaviour.
//   - `__untyped_deduced_`: untyped scalar | atomic list of `__untyped_atomic_` |
//     separable map of `__untyped_deduced_` (so unknown nested maps merge key by key,
//     unknown lists are replaced whole). Copied from schemaconv's deducedDef, which is
//     the same as typed.DeducedParseableType in structured-merge-diff v4.
//
// ObjectMeta is abridged to what matters for these objects, as the meta/v1 OpenAPI
// definition describes it: name, namespace, generateName, uid, resourceVersion strings;
// labels and annotations granular maps of strings; finalizers an associative set
// (patch strategy merge); ownerReferences an associative list keyed by uid (patch merge
// key); managedFields atomic; any other key deduced.
//
// ConfigMap (core/v1, from the built-in OpenAPI definition io.k8s.api.core.v1.ConfigMap):
// apiVersion, kind strings; metadata ObjectMeta; data a granular map of strings;
// binaryData a granular map of strings (format byte → string); immutable boolean.

import (
	"fmt"
	"sort"

	"sigs.k8s.io/structured-merge-diff/v4/schema"
)

const (
	rootName       = "__root__"
	objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	untypedName    = "__untyped_atomic_"
	deducedName    = "__untyped_deduced_"
)

func ptrScalar(s schema.Scalar) *schema.Scalar { return &s }
func ptrString(s string) *string               { return &s }
func named(n string) schema.TypeRef            { return schema.TypeRef{NamedType: ptrString(n)} }

var untypedDef = schema.TypeDef{
	Name: untypedName,
	Atom: schema.Atom{
		Scalar: ptrScalar("untyped"),
		List:   &schema.List{ElementType: named(untypedName), ElementRelationship: schema.Atomic},
		Map:    &schema.Map{ElementType: named(untypedName), ElementRelationship: schema.Atomic},
	},
}

var deducedDef = schema.TypeDef{
	Name: deducedName,
	Atom: schema.Atom{
		Scalar: ptrScalar("untyped"),
		List:   &schema.List{ElementType: named(untypedName), ElementRelationship: schema.Atomic},
		Map:    &schema.Map{ElementType: named(deducedName), ElementRelationship: schema.Separable},
	},
}

func scalarRef(s schema.Scalar) schema.TypeRef {
	return schema.TypeRef{Inlined: schema.Atom{Scalar: ptrScalar(s)}}
}

func stringMapRef() schema.TypeRef {
	return schema.TypeRef{Inlined: schema.Atom{Map: &schema.Map{ElementType: scalarRef(schema.String), ElementRelationship: schema.Separable}}}
}

var objectMetaDef = schema.TypeDef{
	Name: objectMetaName,
	Atom: schema.Atom{Map: &schema.Map{
		Fields: []schema.StructField{
			{Name: "name", Type: scalarRef(schema.String)},
			{Name: "namespace", Type: scalarRef(schema.String)},
			{Name: "generateName", Type: scalarRef(schema.String)},
			{Name: "uid", Type: scalarRef(schema.String)},
			{Name: "resourceVersion", Type: scalarRef(schema.String)},
			{Name: "labels", Type: stringMapRef()},
			{Name: "annotations", Type: stringMapRef()},
			{Name: "finalizers", Type: schema.TypeRef{Inlined: schema.Atom{List: &schema.List{
				ElementType: scalarRef(schema.String), ElementRelationship: schema.Associative}}}},
			{Name: "ownerReferences", Type: schema.TypeRef{Inlined: schema.Atom{List: &schema.List{
				ElementType: schema.TypeRef{Inlined: schema.Atom{Map: &schema.Map{
					Fields: []schema.StructField{
						{Name: "apiVersion", Type: scalarRef(schema.String)},
						{Name: "kind", Type: scalarRef(schema.String)},
						{Name: "name", Type: scalarRef(schema.String)},
						{Name: "uid", Type: scalarRef(schema.String)},
						{Name: "controller", Type: scalarRef(schema.Boolean)},
						{Name: "blockOwnerDeletion", Type: scalarRef(schema.Boolean)},
					},
				}}},
				ElementRelationship: schema.Associative, Keys: []string{"uid"}}}}},
			{Name: "managedFields", Type: schema.TypeRef{Inlined: schema.Atom{List: &schema.List{
				ElementType: named(deducedName), ElementRelationship: schema.Atomic}}}},
		},
		ElementType: named(deducedName),
	}},
}

// typeMetaFields are the root fields the apiextensions builder puts on every custom resource.
func typeMetaFields() []schema.StructField {
	return []schema.StructField{
		{Name: "apiVersion", Type: scalarRef(schema.String)},
		{Name: "kind", Type: scalarRef(schema.String)},
		{Name: "metadata", Type: named(objectMetaName)},
	}
}

// configMapSchema is core/v1 ConfigMap.
func configMapSchema() *schema.Schema {
	root := schema.TypeDef{Name: rootName, Atom: schema.Atom{Map: &schema.Map{
		Fields: append(typeMetaFields(),
			schema.StructField{Name: "data", Type: stringMapRef()},
			schema.StructField{Name: "binaryData", Type: stringMapRef()},
			schema.StructField{Name: "immutable", Type: scalarRef(schema.Boolean)},
		),
	}}}
	return &schema.Schema{Types: []schema.TypeDef{root, objectMetaDef, untypedDef, deducedDef}}
}

// crdSchema converts a CRD version's openAPIV3Schema.
func crdSchema(openAPIV3Schema map[string]interface{}) (*schema.Schema, error) {
	c := &converter{}
	atom := c.parse(openAPIV3Schema, false)
	if len(c.errors) > 0 {
		return nil, fmt.Errorf("schema conversion: %v", c.errors)
	}
	if atom.Map == nil {
		return nil, fmt.Errorf("schema conversion: the root of a custom resource must be an object")
	}
	// builder.go: apiVersion, kind and metadata at the root, replacing whatever the CRD declares.
	var fields []schema.StructField
	for _, f := range atom.Map.Fields {
		if f.Name != "apiVersion" && f.Name != "kind" && f.Name != "metadata" {
			fields = append(fields, f)
		}
	}
	atom.Map.Fields = append(typeMetaFields(), fields...)
	root := schema.TypeDef{Name: rootName, Atom: atom}
	return &schema.Schema{Types: []schema.TypeDef{root, objectMetaDef, untypedDef, deducedDef}}, nil
}

type converter struct {
	errors []string
	path   []string
}

func (c *converter) errorf(format string, args ...interface{}) {
	c.errors = append(c.errors, fmt.Sprintf("%v: ", c.path)+fmt.Sprintf(format, args...))
}

func str(m map[string]interface{}, key string) string {
	s, _ := m[key].(string)
	return s
}

// parse is schemaconv's visitSpec + parseSchema for one node.
func (c *converter) parse(s map[string]interface{}, preserveUnknown bool) schema.Atom {
	if p, ok := s["x-kubernetes-preserve-unknown-fields"].(bool); ok && p {
		preserveUnknown = true
	}
	if b, ok := s["x-kubernetes-int-or-string"].(bool); ok && b {
		return schema.Atom{Scalar: ptrScalar("untyped")}
	}
	switch typ := str(s, "type"); typ {
	case "":
		return schema.Atom{Scalar: ptrScalar("untyped"), List: c.parseList(s, preserveUnknown), Map: c.parseObject(s, preserveUnknown)}
	case "object":
		return schema.Atom{Map: c.parseObject(s, preserveUnknown)}
	case "array":
		return schema.Atom{List: c.parseList(s, preserveUnknown)}
	case "integer", "number":
		return schema.Atom{Scalar: ptrScalar(schema.Numeric)}
	case "boolean":
		return schema.Atom{Scalar: ptrScalar(schema.Boolean)}
	case "string":
		switch str(s, "format") {
		case "", "byte":
			return schema.Atom{Scalar: ptrScalar(schema.String)}
		default:
			return schema.Atom{Scalar: ptrScalar("untyped")}
		}
	default:
		c.errorf("unrecognized type %q", typ)
		return schema.Atom{Scalar: ptrScalar("untyped")}
	}
}

func (c *converter) ref(s map[string]interface{}, preserveUnknown bool, step string) schema.TypeRef {
	c.path = append(c.path, step)
	defer func() { c.path = c.path[:len(c.path)-1] }()
	return schema.TypeRef{Inlined: c.parse(s, preserveUnknown)}
}

func (c *converter) parseObject(s map[string]interface{}, preserveUnknown bool) *schema.Map {
	props, _ := s["properties"].(map[string]interface{})
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	m := &schema.Map{}
	for _, name := range names {
		sub, ok := props[name].(map[string]interface{})
		if !ok {
			c.errorf("property %q is not a schema", name)
			continue
		}
		m.Fields = append(m.Fields, schema.StructField{Name: name, Type: c.ref(sub, preserveUnknown, name)})
	}
	switch ap := s["additionalProperties"].(type) {
	case nil:
		if preserveUnknown || len(props) == 0 {
			m.ElementType = named(deducedName)
		}
	case map[string]interface{}:
		m.ElementType = c.ref(ap, preserveUnknown, "*")
	case bool:
		if ap {
			m.ElementType = named(deducedName)
		}
	}
	switch mt := s["x-kubernetes-map-type"]; mt {
	case nil:
	case "atomic":
		m.ElementRelationship = schema.Atomic
	case "granular":
		m.ElementRelationship = schema.Separable
	default:
		c.errorf("unknown map type %v", mt)
	}
	return m
}

func (c *converter) parseList(s map[string]interface{}, preserveUnknown bool) *schema.List {
	l := &schema.List{ElementRelationship: schema.Atomic}
	switch lt := s["x-kubernetes-list-type"]; lt {
	case nil, "atomic":
	case "set":
		l.ElementRelationship = schema.Associative
	case "map":
		l.ElementRelationship = schema.Associative
		keys, _ := s["x-kubernetes-list-map-keys"].([]interface{})
		if len(keys) == 0 {
			c.errorf("missing map keys")
		}
		for _, k := range keys {
			if ks, ok := k.(string); ok {
				l.Keys = append(l.Keys, ks)
			}
		}
	default:
		c.errorf("unknown list type %v", lt)
	}
	if items, ok := s["items"].(map[string]interface{}); ok {
		l.ElementType = c.ref(items, preserveUnknown, "[]")
	} else {
		if str(s, "type") != "" {
			c.errorf("`items` must be specified on arrays")
		}
		l.ElementType = named(untypedName)
	}
	return l
}
