// Package dtrackserver is a local server that keeps to Dependency-Track's
// v1 contract as the corpus's resource classes and their tests define it
// (paths, fields, status codes, messages, the base64 cap) and refuses
// anything else. It is a contract test, not a running Dependency-Track.
package dtrackserver

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// Server is the contract. Fields are read and set under Mu.
type Server struct {
	Mu         sync.Mutex
	Keys       map[string][]string // API key -> permissions
	Projects   map[string]bool     // "name@version"
	BOMs       [][]byte            // what was uploaded, decoded
	VEXes      [][]byte
	Uploads    []string       // "PUT /api/v1/bom", "POST /api/v1/bom"
	Processing map[string]int // token -> polls still to answer true
	OldServer  bool           // no /api/v1/event/token (answers 404)
	FailFirst  int            // answer 503 to the first requests
	Requests   int
	LastTags   []string
	LastParent string
	LastLatest bool
}

// MaxBase64 is the longest base64 value accepted in JSON (the server's
// StreamReadConstraints' maximum string length); tests may lower it.
var MaxBase64 = 20_000_000

var (
	base64RE = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)
	tokenRE  = regexp.MustCompile(`^/api/v1/(event|bom)/token/([0-9a-f-]{36})$`)
)

// New is an empty server: no keys, no projects.
func New() *Server {
	return &Server{Keys: map[string][]string{}, Projects: map[string]bool{}, Processing: map[string]int{}}
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "title": title, "detail": detail})
}

func (c *Server) has(key, perm string) bool {
	for _, p := range c.Keys[key] {
		if p == perm {
			return true
		}
	}
	return false
}

func (c *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	c.Requests++
	if c.FailFirst > 0 {
		c.FailFirst--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	key := r.Header.Get("X-Api-Key")
	if _, ok := c.Keys[key]; !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if m := tokenRE.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		if m[1] == "event" && c.OldServer {
			http.NotFound(w, r)
			return
		}
		busy := c.Processing[m[2]] > 0
		if busy {
			c.Processing[m[2]]--
		}
		json.NewEncoder(w).Encode(map[string]bool{"processing": busy})
		return
	}
	switch {
	case r.URL.Path == "/api/v1/bom" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		c.upload(w, r, key, "BOM_UPLOAD", "bom")
	case r.URL.Path == "/api/v1/vex" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		c.upload(w, r, key, "VULNERABILITY_ANALYSIS", "vex")
	default:
		http.Error(w, "not part of the contract", http.StatusNotFound)
	}
}

func (c *Server) upload(w http.ResponseWriter, r *http.Request, key, perm, field string) {
	if !c.has(key, perm) {
		problem(w, http.StatusForbidden, "Forbidden", "The principal lacks "+perm)
		return
	}
	var f map[string]string
	var doc []byte
	if r.Method == http.MethodPut {
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
			return
		}
		var body map[string]any
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&body); err != nil {
			problem(w, 400, "The provided JSON payload could not be mapped", err.Error())
			return
		}
		allowed := map[string]bool{"project": true, "projectName": true, "projectVersion": true, "projectTags": true, "autoCreate": true,
			"parentUUID": true, "parentName": true, "parentVersion": true, "isLatest": true, "isActive": true, field: true}
		f = map[string]string{}
		for k, v := range body {
			if !allowed[k] {
				problem(w, 400, "The provided JSON payload could not be mapped", "Unrecognized field \""+k+"\"")
				return
			}
			switch v := v.(type) {
			case string:
				f[k] = v
			case bool:
				f[k] = fmt.Sprint(v)
			case []any:
				var names []string
				for _, t := range v {
					if m, ok := t.(map[string]any); ok {
						names = append(names, fmt.Sprint(m["name"]))
					}
				}
				f[k] = strings.Join(names, ",")
			}
		}
		enc := f[field]
		if len(enc) > MaxBase64 {
			problem(w, 400, "The provided JSON payload could not be mapped", fmt.Sprintf("The BOM is too large to be transmitted safely via Base64 encoded JSON value. Please use the \"POST /api/v1/%s\" endpoint with Content-Type \"multipart/form-data\" instead.", field))
			return
		}
		if !base64RE.MatchString(enc) {
			problem(w, 400, "Bad Request", "The "+strings.ToUpper(field)+" must be Base64 encoded")
			return
		}
		doc, _ = base64.StdEncoding.DecodeString(enc)
	} else {
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			http.Error(w, "not multipart", http.StatusBadRequest)
			return
		}
		f = map[string]string{}
		for k, v := range r.MultipartForm.Value {
			f[k] = v[0]
		}
		files := r.MultipartForm.File[field]
		if len(files) != 1 {
			http.Error(w, "no "+field, http.StatusBadRequest)
			return
		}
		fh, _ := files[0].Open()
		doc, _ = io.ReadAll(fh)
		fh.Close()
	}
	var probe map[string]any
	if json.Unmarshal(doc, &probe) != nil || probe["bomFormat"] != "CycloneDX" {
		problem(w, 400, "The uploaded BOM is invalid", "not a CycloneDX document")
		return
	}
	name := f["projectName"] + "@" + f["projectVersion"]
	if !c.Projects[name] {
		if f["autoCreate"] != "true" || field != "bom" {
			http.Error(w, "The project could not be found.", http.StatusNotFound)
			return
		}
		if !c.has(key, "PROJECT_CREATION_UPLOAD") {
			http.Error(w, "The principal does not have permission to create project.", http.StatusUnauthorized)
			return
		}
		if f["parentName"] != "" && !c.Projects[f["parentName"]+"@"+f["parentVersion"]] {
			http.Error(w, "The parent project could not be found.", http.StatusNotFound)
			return
		}
		c.Projects[name] = true
	}
	c.Uploads = append(c.Uploads, r.Method+" "+r.URL.Path)
	c.LastTags = strings.Split(f["projectTags"], ",")
	c.LastParent = f["parentName"] + "@" + f["parentVersion"]
	c.LastLatest = f["isLatest"] == "true"
	if field == "bom" {
		c.BOMs = append(c.BOMs, doc)
	} else {
		c.VEXes = append(c.VEXes, doc)
	}
	token := fmt.Sprintf("00000000-0000-4000-8000-%012d", len(c.Uploads))
	c.Processing[token] = 2
	json.NewEncoder(w).Encode(map[string]string{"token": token})
}
