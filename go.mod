module github.com/pysbom/pysbom

go 1.26.8

require github.com/google/go-cmp v0.7.0

require github.com/package-url/packageurl-go v0.1.7 // indirect
