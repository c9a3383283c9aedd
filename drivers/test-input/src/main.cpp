// tessera-test-input: the input service on the Linux host, played from a
// script (drivers/test-input/README.md has the line format).
//
//   tessera-test-input --socket PATH [--exit] [SCRIPT | -]
//
// Plays SCRIPT (or stdin with "-"; nothing without either), then keeps
// serving until SIGINT or SIGTERM, or exits at once with --exit. Exit
// status 1 when the script has a bad line.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "test_input/source.h"

int main(int argc, char** argv) {
    std::string socket_path;
    std::string script_path;
    bool exit_after_script = false;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--socket" && i + 1 < argc) {
            socket_path = argv[++i];
        } else if (argument == "--exit") {
            exit_after_script = true;
        } else if (script_path.empty() && (argument == "-" || argument[0] != '-')) {
            script_path = argument;
        } else {
            socket_path.clear();
            break;
        }
    }
    if (socket_path.empty()) {
        std::fprintf(stderr, "usage: tessera-test-input --socket PATH [--exit] [SCRIPT | -]\n");
        return 2;
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto source = tessera::test_input::Source::start(socket_path);
    if (!source) {
        std::fprintf(stderr, "tessera-test-input: %s\n", source.error().message.c_str());
        return 1;
    }
    std::printf("tessera-test-input: serving on %s\n", socket_path.c_str());
    std::fflush(stdout);

    if (!script_path.empty()) {
        std::ifstream file;
        if (script_path != "-") {
            file.open(script_path);
            if (!file) {
                std::fprintf(stderr, "tessera-test-input: cannot open %s\n", script_path.c_str());
                return 1;
            }
        }
        auto played = (*source)->run_script(script_path == "-" ? std::cin : file);
        if (!played) {
            std::fprintf(stderr, "tessera-test-input: %s\n", played.error().message.c_str());
            return 1;
        }
    }
    if (exit_after_script) return 0;
    int signal = 0;
    sigwait(&signals, &signal);
    return 0;
}
