module example.com/goudf

go 1.26.8

require github.com/tickc/tickc v0.0.0

replace github.com/tickc/tickc => ../../..
