// wayland-roundtrip: libwayland end to end, our own server and client in
// one dynamically linked program (Debian's libwayland-server and
// libwayland-client). The server (this process) listens on a Unix socket
// under a fresh XDG_RUNTIME_DIR, offers wl_shm and a minimal wl_compositor,
// and forks the client. The client draws a 64x64 pattern into a memfd,
// passes the fd over the socket (SCM_RIGHTS) as a wl_shm pool, attaches it
// to a surface and commits. The server maps the pool, checks every pixel,
// releases the buffer; the client waits for the release and exits.
//
// What it exercises in a kernel: AF_UNIX stream sockets bound to a path,
// flock on the lock file, epoll (libwayland's event loop), sendmsg/recvmsg
// with SCM_RIGHTS, memfd_create + ftruncate + MAP_SHARED mappings seen by
// two processes, fork and wait. Prints PASS/FAIL lines; exits 0 on success.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wayland-client.h>
#include <wayland-server.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr int side = 64;
constexpr int stride = side * 4;
constexpr const char* socket_name = "wayland-roundtrip";

uint32_t pattern(int x, int y) {
    return 0xFF000000u | static_cast<uint32_t>(x) << 16 | static_cast<uint32_t>(y) << 8 | static_cast<uint32_t>((x * 7) ^ y);
}

int fail(const char* what) {
    std::printf("FAIL wayland-roundtrip: %s\n", what);
    return 1;
}

// ---- the client ----

struct Client {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    bool released = false;
};

void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
    auto* client = static_cast<Client*>(data);
    if (std::strcmp(interface, wl_compositor_interface.name) == 0) {
        client->compositor = static_cast<wl_compositor*>(wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(interface, wl_shm_interface.name) == 0) {
        client->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    }
}
void on_global_remove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener registry_listener = {on_global, on_global_remove};

void on_release(void* data, wl_buffer*) {
    static_cast<Client*>(data)->released = true;
}
const wl_buffer_listener buffer_listener = {on_release};

int run_client() {
    wl_display* display = wl_display_connect(socket_name);
    if (!display) return fail("client: wl_display_connect");
    Client client;
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &registry_listener, &client);
    if (wl_display_roundtrip(display) < 0) return fail("client: roundtrip");
    if (!client.compositor || !client.shm) return fail("client: wl_compositor or wl_shm missing");

    int fd = memfd_create("wayland-roundtrip", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, stride * side) != 0) return fail("client: memfd_create/ftruncate");
    void* mapped = mmap(nullptr, stride * side, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) return fail("client: mmap of the memfd");
    auto* pixels = static_cast<uint32_t*>(mapped);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) pixels[y * side + x] = pattern(x, y);

    wl_shm_pool* pool = wl_shm_create_pool(client.shm, fd, stride * side);
    wl_buffer* buffer = wl_shm_pool_create_buffer(pool, 0, side, side, stride, WL_SHM_FORMAT_ARGB8888);
    wl_buffer_add_listener(buffer, &buffer_listener, &client);
    close(fd);  // the pool holds it now (sent with SCM_RIGHTS)
    wl_surface* surface = wl_compositor_create_surface(client.compositor);
    wl_surface_attach(surface, buffer, 0, 0);
    wl_surface_damage_buffer(surface, 0, 0, side, side);
    wl_surface_commit(surface);
    while (!client.released) {
        if (wl_display_dispatch(display) < 0) return fail("client: the connection broke before the release");
    }
    wl_display_disconnect(display);
    return 0;
}

// ---- the server ----

struct Server {
    wl_display* display = nullptr;
    int checked = 0;  // commits whose buffer matched
    std::string error;
};

void surface_destroy(wl_client*, wl_resource* resource) {
    wl_resource_destroy(resource);
}
void surface_attach(wl_client*, wl_resource* resource, wl_resource* buffer, int32_t, int32_t) {
    wl_resource_set_user_data(resource, buffer);  // the pending buffer (only one per test)
}
void surface_ignore_rect(wl_client*, wl_resource*, int32_t, int32_t, int32_t, int32_t) {}
void surface_frame(wl_client* client, wl_resource*, uint32_t id) {
    wl_resource* callback = wl_resource_create(client, &wl_callback_interface, 1, id);
    if (callback) wl_resource_destroy(callback);
}
void surface_ignore_region(wl_client*, wl_resource*, wl_resource*) {}
void surface_ignore_int(wl_client*, wl_resource*, int32_t) {}
void surface_offset(wl_client*, wl_resource*, int32_t, int32_t) {}
Server* the_server = nullptr;

void surface_commit(wl_client*, wl_resource* resource) {
    auto* buffer_resource = static_cast<wl_resource*>(wl_resource_get_user_data(resource));
    wl_shm_buffer* buffer = buffer_resource ? wl_shm_buffer_get(buffer_resource) : nullptr;
    if (!buffer) {
        the_server->error = "commit without an shm buffer";
        return;
    }
    if (wl_shm_buffer_get_width(buffer) != side || wl_shm_buffer_get_height(buffer) != side ||
        wl_shm_buffer_get_stride(buffer) != stride || wl_shm_buffer_get_format(buffer) != WL_SHM_FORMAT_ARGB8888) {
        the_server->error = "the buffer's size, stride or format differ from what the client made";
        return;
    }
    wl_shm_buffer_begin_access(buffer);
    auto* pixels = static_cast<const uint32_t*>(wl_shm_buffer_get_data(buffer));
    int wrong = 0;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) wrong += pixels[y * side + x] != pattern(x, y);
    wl_shm_buffer_end_access(buffer);
    if (wrong) {
        the_server->error = std::to_string(wrong) + " of 4096 pixels differ from the client's pattern";
        return;
    }
    ++the_server->checked;
    wl_buffer_send_release(buffer_resource);
}

const struct wl_surface_interface surface_implementation = {
    surface_destroy,       surface_attach,       surface_ignore_rect, surface_frame,
    surface_ignore_region, surface_ignore_region, surface_commit,     surface_ignore_int,
    surface_ignore_int,    surface_ignore_rect,  surface_offset,
};

void compositor_create_surface(wl_client* client, wl_resource* resource, uint32_t id) {
    wl_resource* surface = wl_resource_create(client, &wl_surface_interface, wl_resource_get_version(resource), id);
    if (!surface) return wl_client_post_no_memory(client);
    wl_resource_set_implementation(surface, &surface_implementation, nullptr, nullptr);
}
void compositor_create_region(wl_client* client, wl_resource*, uint32_t) {
    wl_client_post_no_memory(client);  // not used by this test
}
const struct wl_compositor_interface compositor_implementation = {compositor_create_surface, compositor_create_region};

void bind_compositor(wl_client* client, void*, uint32_t version, uint32_t id) {
    wl_resource* resource = wl_resource_create(client, &wl_compositor_interface, static_cast<int>(version), id);
    if (!resource) return wl_client_post_no_memory(client);
    wl_resource_set_implementation(resource, &compositor_implementation, nullptr, nullptr);
}

}  // namespace

int main() {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const char* base = std::getenv("TMPDIR");
    std::string directory = std::string(base && *base ? base : "/tmp") + "/wayland-roundtrip-XXXXXX";
    if (!mkdtemp(directory.data())) return fail("mkdtemp for XDG_RUNTIME_DIR");
    setenv("XDG_RUNTIME_DIR", directory.c_str(), 1);

    Server server;
    the_server = &server;
    server.display = wl_display_create();
    if (!server.display) return fail("wl_display_create");
    if (wl_display_add_socket(server.display, socket_name) != 0) return fail("wl_display_add_socket");
    if (wl_display_init_shm(server.display) != 0) return fail("wl_display_init_shm");
    if (!wl_global_create(server.display, &wl_compositor_interface, 4, nullptr, bind_compositor))
        return fail("wl_global_create");
    std::printf("PASS server listening on %s/%s\n", directory.c_str(), socket_name);

    std::fflush(stdout);
    pid_t client = fork();
    if (client < 0) return fail("fork");
    if (client == 0) {
        wl_display* unused = server.display;
        (void)unused;
        _exit(run_client());
    }

    wl_event_loop* loop = wl_display_get_event_loop(server.display);
    int status = 0;
    bool client_exited = false;
    for (int idle = 0; idle < 100 && !client_exited && server.error.empty();) {
        wl_display_flush_clients(server.display);
        if (wl_event_loop_dispatch(loop, 100) < 0) return fail("wl_event_loop_dispatch");
        wl_display_flush_clients(server.display);
        client_exited = waitpid(client, &status, WNOHANG) == client;
        if (server.checked == 0) ++idle;
    }
    if (!server.error.empty()) return fail(server.error.c_str());
    if (!client_exited && waitpid(client, &status, 0) != client) return fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail("the client did not exit 0");
    if (server.checked != 1) return fail("the server saw no committed buffer within 10 s");
    std::printf("PASS server read the client's 64x64 shm buffer exactly; the client saw the release\n");
    wl_display_destroy(server.display);
    std::string lock = directory + "/" + socket_name + ".lock", path = directory + "/" + socket_name;
    unlink(lock.c_str());
    unlink(path.c_str());
    rmdir(directory.c_str());
    std::printf("PASS wayland-roundtrip\n");
    return 0;
}
