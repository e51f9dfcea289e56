package distinfo

import (
	"net/mail"
	"net/url"
	"strings"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/metadata"
)

// suppliers derives the supplier (who distributes the package: the
// maintainer if named, else the author) and the originator (the author,
// when a different maintainer supplies it) from core metadata.
func suppliers(md *metadata.Metadata) (supplier, originator inventory.Party) {
	author := party(md.Author, md.AuthorEmail)
	maint := party(md.Maintainer, md.MaintainerEmail)
	if maint.IsZero() && author.IsZero() {
		return forgeOwner(md), inventory.Party{}
	}
	if maint.IsZero() {
		return author, inventory.Party{}
	}
	if author == maint {
		return maint, inventory.Party{}
	}
	return maint, author
}

// party builds a party from a name field and an email field, each of which
// may hold several comma-separated entries ("A, B <b@x>").
func party(name, email string) inventory.Party {
	if metadata.Unknown(name) {
		name = ""
	}
	if metadata.Unknown(email) {
		email = ""
	}
	name = strings.Join(strings.Fields(name), " ")
	var names []string
	var first string
	if email != "" {
		if addrs, err := mail.ParseAddressList(email); err == nil {
			for _, a := range addrs {
				if a.Name != "" {
					names = append(names, a.Name)
				}
				if first == "" {
					first = a.Address
				}
			}
		} else {
			// Not RFC 5322 (a bare name, or odd quoting): keep the text.
			first = strings.TrimSpace(strings.Trim(strings.Fields(email + " ")[0], "<>,"))
			if !strings.Contains(first, "@") {
				if name == "" {
					name = strings.TrimSpace(email)
				}
				first = ""
			}
		}
	}
	if name == "" {
		name = strings.Join(names, ", ")
	}
	if name == "" {
		name = first
	}
	if name == "" {
		return inventory.Party{}
	}
	kind := inventory.Person
	if looksLikeOrganization(name) {
		kind = inventory.Organization
	}
	return inventory.Party{Kind: kind, Name: name, Email: first}
}

var orgWords = []string{
	"team", "project", "authority", "foundation", "developers", "contributors", "inc", "inc.",
	"llc", "ltd", "ltd.", "gmbh", "corporation", "corp", "corp.", "company", "authors", "group",
	"community", "organization", "organisation", "maintainers", "labs", "software", "services",
	"pallets", "pypa", "pyca", "association", "university", "institute", "consortium", "amazon",
	"google", "microsoft", "docker", "cloudpipe",
}

// looksLikeOrganization tells organisation names ("Amazon Web Services",
// "The pip developers", "Pallets") from people's names.
func looksLikeOrganization(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' }) {
		for _, o := range orgWords {
			if w == o {
				return true
			}
		}
	}
	return false
}

// forges are code hosts whose URLs name the project's owner first.
var forges = map[string]bool{"github.com": true, "gitlab.com": true, "codeberg.org": true, "bitbucket.org": true, "sr.ht": true, "git.sr.ht": true}

// forgeOwner is the last resort when the metadata names no author or
// maintainer: the owner of the project's repository on a known code host,
// taken from Home-page or a Project-URL ("https://github.com/Instagram/LibCST"
// gives Instagram).
func forgeOwner(md *metadata.Metadata) inventory.Party {
	urls := []string{md.HomePage}
	for _, u := range md.ProjectURLs {
		urls = append(urls, u.URL)
	}
	for _, raw := range urls {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || !forges[strings.TrimPrefix(strings.ToLower(u.Host), "www.")] {
			continue
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) >= 2 && parts[0] != "" {
			return inventory.Party{Kind: inventory.Organization, Name: strings.TrimPrefix(parts[0], "~")}
		}
	}
	return inventory.Party{}
}
