# dangbo — the two commands a newcomer needs:
#   make run    install, build, seed var/dangbo.db on first start, serve http://127.0.0.1:8080
#   make test   install, build, run every test (unit, integration, browser)
BUILD ?= build
DB ?= sqlite:var/dangbo.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: all deps build run test unit node-tests bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# only the program (the tests are built by `make test`)
run: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target dangbo
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

# libFuzzer targets (clang, ASan + UBSan) for request parsing and cookie/session handling, each
# run FUZZ_SECONDS on a copy of its seed corpus (fuzz/corpus/*). Not part of `make test`.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	@command -v clang++ >/dev/null && ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
	  || { echo "installing clang and libclang-rt (libFuzzer)"; $$([ $$(id -u) -eq 0 ] || echo sudo) apt-get install -y clang libclang-rt-14-dev; }
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDANGBO_FUZZ=ON \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_http_request fuzz_session_cookie
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
