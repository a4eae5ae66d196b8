package analysis

import (
	"context"
	"errors"
	"testing"
)

// TestCancelStopsRulesEvaluation: Ctrl-C (the run's context cancelled)
// stops the rules workers at their next look at the context, with the
// context's error, and no pupil is left with an outcome as if evaluated.
func TestCancelStopsRulesEvaluation(t *testing.T) {
	res, err := Run(Input{Files: []string{declinedRegister}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	set, err := loadRules(Input{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := evaluateAll(ctx, set, res.Pupils, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("evaluateAll with a cancelled context = %v, want context.Canceled", err)
	}
	for _, p := range res.Pupils {
		if p.Outcome != nil {
			t.Errorf("a pupil has an outcome after the run was cancelled")
		}
	}
	// Not cancelled, the same call evaluates every pupil.
	if err := evaluateAll(context.Background(), set, res.Pupils, 1); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Pupils {
		if p.Outcome == nil && !p.Aggregate {
			t.Errorf("a pupil was not evaluated")
		}
	}
}

// TestCancelDuringFiguresStopsTheRun: cancelled while the figures are being
// made (after the files were read), the run returns the context's error
// and no result, rather than going on to the rules and the outputs.
func TestCancelDuringFiguresStopsTheRun(t *testing.T) {
	p, err := Prepare(Input{Files: []string{declinedRegister}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	testWorkerHook = cancel // the first worker to start (the figures') cancels
	defer func() { testWorkerHook = nil }()
	res, err := p.Run(ctx)
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run = %v, %v; want no result and context.Canceled", res, err)
	}
}

// TestCancelBeforeRegistersAreRead: the context file, rules and actions log
// are small and read whole by Prepare (bounded in size by ingest); Ctrl-C
// while they are read is seen before the first register chunk, so the run
// stops without reading a register.
func TestCancelBeforeRegistersAreRead(t *testing.T) {
	p, err := Prepare(Input{Files: []string{declinedRegister}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := p.Run(ctx); !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run = %v, %v; want no result and context.Canceled", res, err)
	}
}
