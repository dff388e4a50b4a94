# The front door. Every target installs what is missing first (scripts/deps.sh), so a
# fresh Debian machine needs only `make run` or `make test`.
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
DATA    ?= var/demo
LISTEN  ?= 127.0.0.1:8080
CMAKE   := cmake

.PHONY: all deps build build-asan web run test bench format clean

all: build

deps:
	@./scripts/deps.sh

build: deps web
	@$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build build -j $(JOBS) -- --no-print-directory
	@echo "built build/pcrm"

build-asan: deps
	@$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPCRM_SANITIZE=ON >/dev/null
	@$(CMAKE) --build build-asan -j $(JOBS) -- --no-print-directory

# The web UI's build step; until the UI exists this publishes the placeholder page.
web:
	@./scripts/build-web.sh

# The demo's SMS go to var/demo/outbox.log, not to phones, so the SMS quiet hours
# (21:00-08:00 KST) are off unless PCRM_QUIET_HOURS says otherwise.
# The demo city: departments and staff (pcrm init --demo), 2,000 generated residents
# imported the way a real source would be, and a year of their complaints, so the screens
# and reports have people and work in them.
run: build
	@if [ ! -f $(DATA)/pcrm.db ]; then \
		./build/pcrm init --data $(DATA) --demo && \
		./build/pcrm gen residents --data $(DATA) --people 2000 --seed 2026 && \
		./build/pcrm import records --data $(DATA) --source demo-residents \
			$(DATA)/generated/residents.csv && \
		./build/pcrm route train --data $(DATA) && \
		./build/pcrm gen complaints --data $(DATA) --count 1500 --seed 2026; \
	fi
	@./scripts/demo-logins.sh $(DATA)
	@PCRM_QUIET_HOURS=$${PCRM_QUIET_HOURS:-off} ./build/pcrm serve --data $(DATA) --listen $(LISTEN)

test: build build-asan
	@./tests/run.sh

bench: build
	@./bench/run.sh
	@./bench/delivery.sh

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf build build-asan web/dist
