package validate

import "golang.org/x/text/message"

// printer renders schema error messages in English.
var printer = message.NewPrinter(message.MatchLanguage("en"))
