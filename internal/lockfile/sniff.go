package lockfile

import (
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep508"
)

// reqOptions are the options pip accepts on a line of its own in a
// requirements file.
var reqOptions = map[string]bool{
	"-r": true, "--requirement": true, "-c": true, "--constraint": true,
	"-i": true, "--index-url": true, "-e": true, "--editable": true,
	"--extra-index-url": true, "-f": true, "--find-links": true, "--trusted-host": true,
	"--no-index": true, "--pre": true, "--prefer-binary": true, "--only-binary": true,
	"--no-binary": true, "--require-hashes": true, "--use-feature": true,
	"--config-settings": true, "-C": true,
}

// looksLikeRequirements reports whether a file that is not named as
// requirements files are is one by its content: every line must be a
// requirement or an option pip knows, and at least one must say more than
// a bare name (a version specifier, a URL, a hash or an option), so that
// a note saying "hello" is not a package. truncated says the last line
// may be cut off and is not judged.
func looksLikeRequirements(data []byte, truncated bool) bool {
	lines, _ := logicalLines(data)
	if truncated && len(lines) > 0 {
		lines = lines[:len(lines)-1]
	}
	telling := false
	for _, line := range lines {
		fields := strings.Fields(line)
		opt, _, _ := strings.Cut(fields[0], "=")
		if strings.HasPrefix(opt, "-") {
			if !reqOptions[opt] {
				return false
			}
			telling = true
			continue
		}
		var parts []string
		for j := 0; j < len(fields); j++ {
			switch f := fields[j]; {
			case f == "--hash" && j+1 < len(fields):
				j++
				telling = true
			case strings.HasPrefix(f, "--hash="):
				telling = true
			case strings.HasPrefix(f, "--"):
			default:
				parts = append(parts, f)
			}
		}
		text := strings.Join(parts, " ")
		if isURLish(text) {
			if !strings.Contains(text, "://") {
				return false // a path is too weak a sign
			}
			telling = true
			continue
		}
		req, err := pep508.Parse(text)
		if err != nil {
			return false
		}
		telling = telling || len(req.Specifier.Specs) > 0 || req.URL != ""
	}
	return telling
}
