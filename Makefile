# dangbo — the two commands a newcomer needs:
#   make run    install, build, seed var/dangbo.db on first start, serve http://127.0.0.1:8080
#   make test   install, build, run every test (unit, integration, browser)
BUILD ?= build
DB ?= sqlite:var/dangbo.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: all deps build run test unit node-tests bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/dangbo serve --db $(DB) --listen $(LISTEN)

# Every test; the last line is the overall "N passed, N failed".
test: build
	@bash tests/run-all.sh $(BUILD)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

node-tests: build
	bash tests/run-node-tests.sh

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD)
