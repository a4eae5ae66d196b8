// Package actions reads the officer's actions log (--actions FILE): what
// was done for each pupil, when, and with what outcome. attendrisk reads the
// log and never writes it: it stays the officer's record in the officer's
// system.
//
// The log is one row per action, CSV or XLSX, with the columns pupil id,
// date, action and outcome, and optionally a school, a note reference, an
// owner and a review date. The school keys a local id (an admission number
// is only an id within its school: Action.Key), so an authority's log
// joins each row to its own school's child. The action and outcome come from a documented vocabulary
// (Default), which a rules file's actions: section extends with local
// kinds. A row this package cannot read exactly (an unknown action, a date
// that is not a date) fails the whole read with every bad row's place and
// the values expected: a misread log would change which steps are
// suggested (a penalty notice already issued, suggested again), so it is
// never half-read.
//
// History answers the questions the rules ask of one pupil's log as of a
// day: the last action of a kind, days since the last contact, the highest
// formal rung taken, penalty notices in the rolling three years.
package actions
