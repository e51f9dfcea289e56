package lang

import "testing"

func TestRustMangled(t *testing.T) {
	for name, want := range map[string]bool{
		"_ZN4core3fmt5write17h0123456789abcdefE":                      true,
		"_ZN4core3fmt5write17h0123456789abcdefE.llvm.123":             true,
		"_ZN3std2io5stdio19OUTPUT_CAPTURE_USED17hdce587591ce81059E.0": true,
		"_RNvNtCs1234_5alloc5boxed14box_new_uninit":                   true,
		"_ZN8pybind116detail10get_globalsEv":                          false,
		"_ZSt21__glibcxx_assert_failPKciS0_S0_":                       false,
		"_ZN4core3fmt5write17h0123456789abcdeE":                       false, // 15 hex digits
		"_ZN4core3fmt5write17h0123456789abcdefEx":                     false,
		"_Rx":          false,
		"PyInit__rust": false,
		"_ZN5regex17h0123456789abcdefE7matches17hfedcba9876543210E":                true,
		"_ZN71_$LT$core..hash..sip..Hasher$LT$S$GT$$GT$5write17he065163d0aadb3c0E": true,
	} {
		if got := RustMangled(name); got != want {
			t.Errorf("RustMangled(%q) = %v, want %v", name, got, want)
		}
	}
}
