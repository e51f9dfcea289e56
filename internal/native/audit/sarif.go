package audit

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/sarif"
)

// WriteSARIF writes every failed or warned check (informational checks
// excluded) as a SARIF 2.1.0 result located at the binary, one rule per
// check; binaries that could not be parsed are results of rule "parse".
func (r *Report) WriteSARIF(w io.Writer, toolVersion string) error {
	run := sarif.Run{Tool: sarif.Tool{Driver: sarif.Driver{Name: "pysbom", Version: toolVersion,
		InformationURI: "https://github.com/pysbom/pysbom"}}}
	for _, c := range harden.Checks {
		if c.Info {
			continue
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{
			ID: c.ID, Name: "Hardening",
			ShortDescription: sarif.Text{Text: "binary built without " + c.Title},
			FullDescription:  sarif.Text{Text: "The OpenSSF Compiler Options Hardening Guide recommends " + c.Title + "; the binary does not show it."},
			HelpURI:          "https://best.openssf.org/Compiler-Hardening-Guides/Compiler-Options-Hardening-Guide-for-C-and-C++.html",
			Help:             sarif.Text{Text: "Rebuild with " + c.Title + "."},
			Properties:       map[string]any{"tags": []string{"security", "hardening"}},
		})
	}
	run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{ID: "parse", Name: "MalformedBinary",
		ShortDescription: sarif.Text{Text: "native binary that cannot be parsed"},
		FullDescription:  sarif.Text{Text: "The file has a binary magic number but its headers are malformed or truncated."},
		Help:             sarif.Text{Text: "Check how the file was produced or packaged."},
		Properties:       map[string]any{"tags": []string{"security"}}})
	add := func(b *Binary, rule, level, msg string) {
		sum := sha256.Sum256([]byte(b.Path + "\x00" + rule))
		run.Results = append(run.Results, sarif.Result{RuleID: rule, Level: level, Message: sarif.Text{Text: msg},
			Locations:           []sarif.Location{{PhysicalLocation: sarif.At(b.Path)}},
			PartialFingerprints: map[string]string{"pysbomHardening/v1": fmt.Sprintf("%x", sum[:16])}})
	}
	for _, b := range r.Binaries {
		if b.Error != "" {
			add(b, "parse", "error", b.Path+": "+b.Error)
			continue
		}
		for _, res := range b.Checks {
			c, _ := harden.CheckByID(res.Check)
			if c.Info || (res.Verdict != harden.Fail && res.Verdict != harden.Warn) {
				continue
			}
			level := "warning"
			if res.Verdict == harden.Warn {
				level = "note"
			}
			add(b, res.Check, level, fmt.Sprintf("%s (%s): %s: %s", b.Path, b.Kind, c.Title, res.Evidence))
		}
	}
	return sarif.Encode(w, run)
}
