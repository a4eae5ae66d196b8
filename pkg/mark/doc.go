// Package mark holds the DfE attendance register codes: what each code means,
// which statistical category DfE counts it in, and whether it is a legacy code
// that older exports still carry.
//
// The table follows ../shared/domain/attendance-reference.md (§1). Categories are
// the ones DfE uses in its published statistics, so that figures computed from a
// register reconcile with DfE's own (the reference's §1.2 shows the reconciliation).
package mark
