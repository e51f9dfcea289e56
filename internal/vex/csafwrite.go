package vex

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"time"

	"github.com/pysbom/pysbom/internal/osv"
)

// CSAFPublisher names who publishes a CSAF document.
type CSAFPublisher struct {
	Name      string
	Namespace string // a URI
}

type csafOut struct {
	Document struct {
		Category    string `json:"category"`
		CSAFVersion string `json:"csaf_version"`
		Publisher   struct {
			Category  string `json:"category"`
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"publisher"`
		Title    string `json:"title"`
		Tracking struct {
			ID                 string `json:"id"`
			Status             string `json:"status"`
			Version            string `json:"version"`
			InitialReleaseDate string `json:"initial_release_date"`
			CurrentReleaseDate string `json:"current_release_date"`
			RevisionHistory    []struct {
				Date    string `json:"date"`
				Number  string `json:"number"`
				Summary string `json:"summary"`
			} `json:"revision_history"`
			Generator struct {
				Engine struct {
					Name    string `json:"name"`
					Version string `json:"version,omitempty"`
				} `json:"engine"`
			} `json:"generator"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		FullProductNames []csafOutProduct `json:"full_product_names"`
		Relationships    []csafOutRel     `json:"relationships,omitempty"`
	} `json:"product_tree"`
	Vulnerabilities []csafOutVuln `json:"vulnerabilities"`
}

type csafOutProduct struct {
	Name      string `json:"name"`
	ProductID string `json:"product_id"`
	Helper    *struct {
		PURL string `json:"purl"`
	} `json:"product_identification_helper,omitempty"`
}

type csafOutRel struct {
	Category        string         `json:"category"`
	ProductRef      string         `json:"product_reference"`
	RelatesTo       string         `json:"relates_to_product_reference"`
	FullProductName csafOutProduct `json:"full_product_name"`
}

type csafOutVuln struct {
	CVE   string      `json:"cve,omitempty"`
	IDs   []csafOutID `json:"ids,omitempty"`
	Notes []struct {
		Category string `json:"category"`
		Text     string `json:"text"`
	} `json:"notes"`
	ProductStatus map[string][]string `json:"product_status"`
	Flags         []csafOutGroup      `json:"flags,omitempty"`
	Threats       []csafOutGroup      `json:"threats,omitempty"`
	Remediations  []csafOutGroup      `json:"remediations,omitempty"`
}

type csafOutID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

type csafOutGroup struct {
	Label      string   `json:"label,omitempty"`
	Category   string   `json:"category,omitempty"`
	Details    string   `json:"details,omitempty"`
	ProductIDs []string `json:"product_ids"`
}

// WriteCSAF writes the statements as a CSAF 2.0 document of category
// csaf_vex. Products are listed by purl, a subcomponent as a
// default_component_of relationship; the tracking ID is derived from the
// content so the same statements and time give the same bytes.
func WriteCSAF(w io.Writer, stmts []Statement, pub CSAFPublisher, tool, toolVersion string, created time.Time) error {
	var doc csafOut
	d := &doc.Document
	d.Category, d.CSAFVersion, d.Title = "csaf_vex", "2.0", "VEX statements by "+pub.Name
	d.Publisher.Category, d.Publisher.Name, d.Publisher.Namespace = "other", pub.Name, pub.Namespace
	date := created.UTC().Format(time.RFC3339)
	d.Tracking.Status, d.Tracking.Version = "final", "1"
	d.Tracking.InitialReleaseDate, d.Tracking.CurrentReleaseDate = date, date
	d.Tracking.RevisionHistory = append(d.Tracking.RevisionHistory, struct {
		Date    string `json:"date"`
		Number  string `json:"number"`
		Summary string `json:"summary"`
	}{date, "1", "initial version"})
	d.Tracking.Generator.Engine.Name, d.Tracking.Generator.Engine.Version = tool, toolVersion

	ids := map[string]string{} // purl or product+sub -> product_id
	id := func(purl string) string {
		if p, ok := ids[purl]; ok {
			return p
		}
		p := fmt.Sprintf("CSAFPID-%04d", len(ids)+1)
		ids[purl] = p
		doc.ProductTree.FullProductNames = append(doc.ProductTree.FullProductNames,
			csafOutProduct{Name: purl, ProductID: p, Helper: &struct {
				PURL string `json:"purl"`
			}{purl}})
		return p
	}
	within := func(product, sub string) string {
		k := product + " " + sub
		if p, ok := ids[k]; ok {
			return p
		}
		pp, sp := id(product), id(sub)
		p := fmt.Sprintf("CSAFPID-%04d", len(ids)+1)
		ids[k] = p
		doc.ProductTree.Relationships = append(doc.ProductTree.Relationships, csafOutRel{Category: "default_component_of",
			ProductRef: sp, RelatesTo: pp, FullProductName: csafOutProduct{Name: sub + " in " + product, ProductID: p}})
		return p
	}
	byVuln := map[string]*csafOutVuln{}
	var order []string
	status := map[string]string{NotAffected: "known_not_affected", Fixed: "fixed", Affected: "known_affected", UnderInvestigation: "under_investigation"}
	for _, s := range stmts {
		v := byVuln[s.Vulnerability]
		if v == nil {
			v = &csafOutVuln{ProductStatus: map[string][]string{}}
			if cvePattern.MatchString(s.Vulnerability) {
				v.CVE = s.Vulnerability
			} else {
				v.IDs = append(v.IDs, csafOutID{SystemName: idSystem(s.Vulnerability), Text: s.Vulnerability})
			}
			for _, a := range s.Aliases {
				if v.CVE == "" && cvePattern.MatchString(a) {
					v.CVE = a
				} else {
					v.IDs = append(v.IDs, csafOutID{SystemName: idSystem(a), Text: a})
				}
			}
			v.Notes = append(v.Notes, struct {
				Category string `json:"category"`
				Text     string `json:"text"`
			}{"description", "VEX status of " + s.Vulnerability})
			byVuln[s.Vulnerability] = v
			order = append(order, s.Vulnerability)
		}
		for _, product := range s.Products {
			var pids []string
			if len(product.Subcomponents) == 0 {
				pids = []string{id(product.PURL)}
			}
			for _, sub := range product.Subcomponents {
				pids = append(pids, within(product.PURL, sub))
			}
			cat := status[s.Status]
			v.ProductStatus[cat] = append(v.ProductStatus[cat], pids...)
			if s.Justification != "" {
				v.Flags = append(v.Flags, csafOutGroup{Label: s.Justification, ProductIDs: pids})
			}
			if s.ImpactStatement != "" {
				v.Threats = append(v.Threats, csafOutGroup{Category: "impact", Details: s.ImpactStatement, ProductIDs: pids})
			}
			if s.ActionStatement != "" {
				v.Remediations = append(v.Remediations, csafOutGroup{Category: "vendor_fix", Details: s.ActionStatement, ProductIDs: pids})
			} else if s.Status == Affected {
				v.Remediations = append(v.Remediations, csafOutGroup{Category: "none_available", Details: "no action stated", ProductIDs: pids})
			}
		}
	}
	sort.Strings(order)
	doc.Vulnerabilities = []csafOutVuln{}
	for _, k := range order {
		doc.Vulnerabilities = append(doc.Vulnerabilities, *byVuln[k])
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	d.Tracking.ID = fmt.Sprintf("pysbom-vex-%x", sum[:8])
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// cvePattern is the form CSAF's cve field takes.
var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

func idSystem(id string) string {
	name, _ := osv.Database(id)
	return name
}
