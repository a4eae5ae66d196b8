// Package rules holds the data shipped inside the attendrisk binary: the
// rule sets (default.yaml, the attendance concern indicators `attendrisk
// analyse` uses when no --rules file is given) and the register mapping
// profiles. The engine that reads the rules is package rule (pkg/rule);
// this package is only data, and lives at the top of the module because
// //go:embed cannot reach files above a package's directory.
//
// Edit default.yaml like code: every factor names its source in the
// guidance, and the tests in pkg/rule check that it loads with and without
// a context file.
package rules
