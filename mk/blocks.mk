# The block descriptors (gen/blocks/block.h): the options tables of the docs pages
# come from `logq gen BLOCK --help-markdown` (tests/blocks.sh checks they are current).
#
#   make docs-options   rewrite the options table of every block's docs page

DOCS_OPTIONS_PAGES := mac:docs/mac.md

.PHONY: docs-options
docs-options: $(LOGQ)
	@for p in $(DOCS_OPTIONS_PAGES); do \
	    b=$${p%%:*}; f=$${p#*:}; \
	    scripts/docs_options.sh $(LOGQ) $$b $$f || exit 1; \
	done
