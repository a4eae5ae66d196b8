// Package compare finds what changed since an earlier run: who is newly
// persistently or severely absent, who moved up or down a tier, who
// improved, who joined and who left the data. The earlier run is read from
// its JSON output, whose field names are stable.
package compare
