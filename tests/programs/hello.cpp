// hello: the smallest static program, for exec benchmarks and ELF loader
// tests. Prints one line (nothing with -q) and exits 0.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "-q") == 0) return 0;
    std::puts("hello from a static program");
    return 0;
}
