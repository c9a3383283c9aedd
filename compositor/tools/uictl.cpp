// uictl: sends one request to uiserver's control socket and prints the
// reply (docs/protocols/uiserver-control.md). Exit status 0 on "ok", 1 on
// "error", 2 when uiserver cannot be reached. runtimectl takes this over
// once runtimed exists.
//
//   uictl [--control PATH] screenshot /tmp/shot.png
//   uictl windows
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::string default_control_path() {
    if (const char* p = std::getenv("TESSERA_CONTROL")) return p;
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    return std::string(runtime && *runtime ? runtime : "/tmp") + "/tessera-control";
}

bool read_line(int fd, std::string& buffer, std::string* line) {
    for (;;) {
        size_t nl = buffer.find('\n');
        if (nl != std::string::npos) {
            *line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            return true;
        }
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0) return false;
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer.append(chunk, size_t(n));
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = default_control_path();
    int i = 1;
    if (i + 1 < argc && std::strcmp(argv[i], "--control") == 0) {
        path = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        std::fprintf(stderr, "usage: uictl [--control PATH] REQUEST...   (e.g. windows, screenshot FILE [cursor])\n");
        return 2;
    }
    std::string request;
    for (; i < argc; ++i) {
        std::string word = argv[i];
        // A relative screenshot path means the caller's directory, not uiserver's.
        if (!request.empty() && request.rfind("screenshot", 0) == 0 && request.find(' ') == std::string::npos &&
            !word.empty() && word[0] != '/') {
            char cwd[4096];
            if (getcwd(cwd, sizeof cwd)) word = std::string(cwd) + "/" + word;
        }
        request += (request.empty() ? "" : " ") + word;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::fprintf(stderr, "uictl: cannot connect to %s: %s\n", path.c_str(), std::strerror(errno));
        return 2;
    }
    request += "\n";
    if (write(fd, request.data(), request.size()) != ssize_t(request.size())) {
        std::fprintf(stderr, "uictl: cannot send\n");
        return 2;
    }
    std::string buffer, line;
    if (!read_line(fd, buffer, &line)) {
        std::fprintf(stderr, "uictl: no reply\n");
        return 2;
    }
    std::printf("%s\n", line.c_str());
    int extra = 0;
    if (request.rfind("windows", 0) == 0 && line.rfind("ok ", 0) == 0) extra = std::atoi(line.c_str() + 3);
    for (int k = 0; k < extra && read_line(fd, buffer, &line); ++k) std::printf("%s\n", line.c_str());
    close(fd);
    return line.rfind("error", 0) == 0 ? 1 : 0;
}
