package dtrack

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

// contract is a local server that keeps to Dependency-Track's v1 contract
// as the corpus's resource classes and their tests define it (paths,
// fields, status codes, messages, the base64 cap) and refuses anything
// else. It is a contract test, not a running Dependency-Track.
type contract struct {
	mu          sync.Mutex
	keys        map[string][]string // API key -> permissions
	projects    map[string]bool     // "name@version"
	boms        [][]byte            // what was uploaded, decoded
	vexes       [][]byte
	uploads     []string // "PUT /api/v1/bom", "POST /api/v1/bom"
	processing  map[string]int      // token -> polls still to answer true
	oldServer   bool                // no /api/v1/event/token (answers 404)
	failFirst   int                 // answer 503 to the first requests
	requests    int
	lastTags    []string
	lastParent  string
	lastLatest  bool
}

var (
	base64RE = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)
	tokenRE  = regexp.MustCompile(`^/api/v1/(event|bom)/token/([0-9a-f-]{36})$`)
)

func newContract() *contract {
	return &contract{keys: map[string][]string{}, projects: map[string]bool{}, processing: map[string]int{}}
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "title": title, "detail": detail})
}

func (c *contract) has(key, perm string) bool {
	for _, p := range c.keys[key] {
		if p == perm {
			return true
		}
	}
	return false
}

func (c *contract) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests++
	if c.failFirst > 0 {
		c.failFirst--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	key := r.Header.Get("X-Api-Key")
	if _, ok := c.keys[key]; !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if m := tokenRE.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		if m[1] == "event" && c.oldServer {
			http.NotFound(w, r)
			return
		}
		busy := c.processing[m[2]] > 0
		if busy {
			c.processing[m[2]]--
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

func (c *contract) upload(w http.ResponseWriter, r *http.Request, key, perm, field string) {
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
		if len(enc) > maxBase64 {
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
	if !c.projects[name] {
		if f["autoCreate"] != "true" || field != "bom" {
			http.Error(w, "The project could not be found.", http.StatusNotFound)
			return
		}
		if !c.has(key, "PROJECT_CREATION_UPLOAD") {
			http.Error(w, "The principal does not have permission to create project.", http.StatusUnauthorized)
			return
		}
		if f["parentName"] != "" && !c.projects[f["parentName"]+"@"+f["parentVersion"]] {
			http.Error(w, "The parent project could not be found.", http.StatusNotFound)
			return
		}
		c.projects[name] = true
	}
	c.uploads = append(c.uploads, r.Method+" "+r.URL.Path)
	c.lastTags = strings.Split(f["projectTags"], ",")
	c.lastParent = f["parentName"] + "@" + f["parentVersion"]
	c.lastLatest = f["isLatest"] == "true"
	if field == "bom" {
		c.boms = append(c.boms, doc)
	} else {
		c.vexes = append(c.vexes, doc)
	}
	token := fmt.Sprintf("00000000-0000-4000-8000-%012d", len(c.uploads))
	c.processing[token] = 2
	json.NewEncoder(w).Encode(map[string]string{"token": token})
}
