// uiserver: setup only. Parses the command line, opens the Wayland socket,
// the output and the control socket, then runs the event loop.
#include "control/control_socket.h"
#include "input/cursor.h"
#include "input/input_service_source.h"
#include "input/seat.h"
#include "output/display_service_output.h"
#include "output/memory_display.h"
#include "output/png.h"
#include "server.h"
#include "wm/decorations.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace tessera::ui;

namespace {

struct Options {
    std::string socket_name;
    std::string control_path;
    std::string display_path;
    std::string input_path;
    std::string resources = TESSERA_RESOURCES_DIR;
    Size size{1024, 768};
    int refresh_ms = 16;
    int client_memory_mb = 256;
    std::string keyboard_layout = "us";
    int max_client_objects = 65536;
    std::string shell_socket;
};

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: uiserver [--display PATH] [--input PATH] [--socket NAME] [--control PATH]\n"
                 "                [--size WxH] [--refresh-ms N] [--resources DIR]\n"
                 "  --display PATH    the display service (docs/protocols/display.md); without it\n"
                 "                    uiserver draws into memory only (screenshots still work)\n"
                 "  --input PATH      the input service (docs/protocols/input.md)\n"
                 "  --socket NAME     Wayland socket name in $XDG_RUNTIME_DIR (default: first free wayland-N)\n"
                 "  --control PATH    control socket (docs/protocols/uiserver-control.md)\n"
                 "  --size WxH        output size for the in-memory display (default 1024x768)\n"
                 "  --refresh-ms N    display refresh period (default 16)\n"
                 "  --client-memory-mb N  surface memory one client may use (default 256)\n"
                 "  --keyboard-layout L   XKB layout (default us; or $TESSERA_KEYBOARD_LAYOUT)\n"
                 "  --max-client-objects N  protocol objects one client may hold (default 65536)\n"
                 "  --shell-socket NAME   a second Wayland socket; only its clients see the window\n"
                 "                        list and layer shell (default: every client does)\n"
                 "  --resources DIR   theme and cursors (default: the source tree's resources/)\n");
}

bool parse(int argc, char** argv, Options* o) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (a == "--help" || a == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (a == "--socket" && (v = value())) {
            o->socket_name = v;
        } else if (a == "--display" && (v = value())) {
            o->display_path = v;
        } else if (a == "--input" && (v = value())) {
            o->input_path = v;
        } else if (a == "--control" && (v = value())) {
            o->control_path = v;
        } else if (a == "--resources" && (v = value())) {
            o->resources = v;
        } else if (a == "--shell-socket" && (v = value())) {
            o->shell_socket = v;
        } else if (a == "--max-client-objects" && (v = value())) {
            o->max_client_objects = std::atoi(v);
            if (o->max_client_objects < 64) return false;
        } else if (a == "--keyboard-layout" && (v = value())) {
            o->keyboard_layout = v;
        } else if (a == "--client-memory-mb" && (v = value())) {
            o->client_memory_mb = std::atoi(v);
            if (o->client_memory_mb < 1) return false;
        } else if (a == "--refresh-ms" && (v = value())) {
            o->refresh_ms = std::atoi(v);
        } else if (a == "--size" && (v = value())) {
            if (std::sscanf(v, "%dx%d", &o->size.width, &o->size.height) != 2 || o->size.width < 64 ||
                o->size.height < 64 || o->size.width > 8192 || o->size.height > 8192)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

// The cursor image from resources/, as premultiplied ARGB.
bool load_cursor(const std::string& path, std::vector<uint32_t>* pixels, Size* size) {
    pixman_image_t* image = read_png(path);
    if (!image) return false;
    size->width = std::min(pixman_image_get_width(image), 64);
    size->height = std::min(pixman_image_get_height(image), 64);
    const uint32_t* data = pixman_image_get_data(image);
    int stride = pixman_image_get_stride(image) / 4;
    for (int y = 0; y < size->height; ++y)
        for (int x = 0; x < size->width; ++x) {
            uint32_t p = data[y * stride + x];
            uint32_t a = p >> 24;
            auto pm = [a](uint32_t c) { return (c * a + 127) / 255; };
            pixels->push_back(a << 24 | pm((p >> 16) & 0xff) << 16 | pm((p >> 8) & 0xff) << 8 | pm(p & 0xff));
        }
    pixman_image_unref(image);
    return true;
}

wl_display* g_display = nullptr;

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, &options)) {
        usage(stderr);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);

    wl_display* display = wl_display_create();
    g_display = display;
    Theme theme;
    std::string theme_error;
    if (!Theme::load(options.resources + "/theme/default.theme", &theme, &theme_error) || !theme_error.empty())
        std::fprintf(stderr, "uiserver: theme: %s\n", theme_error.c_str());

    Server server(display);
    server.set_client_image_budget(int64_t(options.client_memory_mb) << 20);
    server.set_client_object_limit(options.max_client_objects);
    if (const char* layout = std::getenv("TESSERA_KEYBOARD_LAYOUT");
        layout && *layout && options.keyboard_layout == "us")
        options.keyboard_layout = layout;
    if (!server.seat().set_keyboard_layout(options.keyboard_layout)) {
        std::fprintf(stderr, "uiserver: unknown keyboard layout '%s'\n", options.keyboard_layout.c_str());
        return 2;
    }
    std::unique_ptr<MemoryDisplay> memory_output;
    std::unique_ptr<DisplayServiceOutput> service_output;
    Display* output_ptr = nullptr;
    if (!options.display_path.empty()) {
        std::string error;
        service_output = DisplayServiceOutput::connect(server.loop(), options.display_path, 2, &error);
        if (!service_output) {
            std::fprintf(stderr, "uiserver: %s\n", error.c_str());
            return 1;
        }
        service_output->on_lost = [](const std::string& why) {
            std::fprintf(stderr, "uiserver: lost the display service (%s); reconnecting\n", why.c_str());
        };
        service_output->on_reconnected = [&server] {
            std::fprintf(stderr, "uiserver: display service back\n");
            server.compositor().forget_buffer_contents();
            server.cursor().resend();
            server.cursor_moved(server.seat().pointer_position());
        };
        service_output->on_mode_changed = [&server, &options](Size size) {
            std::fprintf(stderr, "uiserver: the display is now %dx%d\n", size.width, size.height);
            options.size = size;
            server.output_resized(size);
        };
        service_output->on_failed = [&server](const std::string& why) {
            std::fprintf(stderr, "uiserver: %s; cannot continue\n", why.c_str());
            server.stop();
        };
        options.size = service_output->size();
        output_ptr = service_output.get();
    } else {
        memory_output = std::make_unique<MemoryDisplay>(server.loop(), options.size, 2, options.refresh_ms);
        output_ptr = memory_output.get();
    }
    Display& output = *output_ptr;
    Decorations decorations(theme);
    server.window_manager().set_decorations(&decorations);
    server.attach_display(output);

    std::unique_ptr<InputServiceSource> input;
    if (!options.input_path.empty()) {
        std::string error;
        input = InputServiceSource::connect(server.loop(), options.input_path, server.seat(), options.size, &error);
        if (!input) {
            std::fprintf(stderr, "uiserver: %s\n", error.c_str());
            return 1;
        }
        input->on_lost = [](const std::string& why) {
            std::fprintf(stderr, "uiserver: lost the input service (%s); reconnecting\n", why.c_str());
        };
        input->on_reconnected = [] { std::fprintf(stderr, "uiserver: input service back\n"); };
        server.on_output_resized = [&input](Size size) { input->set_output_size(size); };
    }

    CursorImage theme_cursor;  // hotspot 0,0: the arrow's tip
    if (load_cursor(options.resources + "/cursors/default.png", &theme_cursor.argb, &theme_cursor.size))
        server.cursor().set_theme(theme_cursor);
    else
        std::fprintf(stderr, "uiserver: no cursor image in %s/cursors\n", options.resources.c_str());
    Point cursor_position{options.size.width / 2, options.size.height / 2};
    server.set_cursor_listener([&](Point p) {
        cursor_position = p;
        output.move_cursor(p);
    });
    server.seat().pointer_motion(cursor_position);

    // Screenshots: the scanout buffer the display shows, with the cursor
    // drawn in when asked (it is a hardware cursor, not part of the frame).
    auto screenshot = [&](const std::string& path, bool with_cursor) -> std::string {
        if (service_output) return service_output->write_png(path, with_cursor);
        pixman_image_t* front = server.compositor().front_buffer();
        if (!front) return "nothing presented yet";
        pixman_image_t* shot =
            pixman_image_create_bits(PIXMAN_x8r8g8b8, options.size.width, options.size.height, nullptr, 0);
        pixman_image_composite32(PIXMAN_OP_SRC, front, nullptr, shot, 0, 0, 0, 0, 0, 0, options.size.width,
                                 options.size.height);
        CursorImage c = server.cursor().current();
        if (with_cursor && !c.argb.empty()) {
            pixman_image_t* cursor =
                pixman_image_create_bits(PIXMAN_a8r8g8b8, c.size.width, c.size.height, c.argb.data(), c.size.width * 4);
            pixman_image_composite32(PIXMAN_OP_OVER, cursor, nullptr, shot, 0, 0, 0, 0, cursor_position.x - c.hotspot.x,
                                     cursor_position.y - c.hotspot.y, c.size.width, c.size.height);
            pixman_image_unref(cursor);
        }
        std::string error;
        bool ok = write_png(path, shot, &error);
        pixman_image_unref(shot);
        return ok ? "" : error;
    };
    ControlSocket control(server, screenshot);
    if (!options.control_path.empty() && !control.listen(options.control_path)) {
        std::fprintf(stderr, "uiserver: cannot listen on %s: %s\n", options.control_path.c_str(), std::strerror(errno));
        return 1;
    }

    const char* name = nullptr;
    if (!options.socket_name.empty()) {
        if (wl_display_add_socket(display, options.socket_name.c_str()) != 0) {
            std::fprintf(stderr, "uiserver: cannot open Wayland socket %s\n", options.socket_name.c_str());
            return 1;
        }
        name = options.socket_name.c_str();
    } else {
        name = wl_display_add_socket_auto(display);
        if (!name) {
            std::fprintf(stderr, "uiserver: cannot open a Wayland socket (is XDG_RUNTIME_DIR set?)\n");
            return 1;
        }
    }
    if (!options.shell_socket.empty()) {
        if (wl_display_add_socket(display, options.shell_socket.c_str()) != 0) {
            std::fprintf(stderr, "uiserver: cannot open Wayland socket %s\n", options.shell_socket.c_str());
            return 1;
        }
        const char* runtime = std::getenv("XDG_RUNTIME_DIR");
        server.set_shell_socket_path(options.shell_socket[0] == '/'
                                         ? options.shell_socket
                                         : std::string(runtime ? runtime : "") + "/" + options.shell_socket);
        std::printf("TESSERA_SHELL_DISPLAY=%s\n", options.shell_socket.c_str());
    }
    std::printf("WAYLAND_DISPLAY=%s\n", name);
    std::fflush(stdout);

    auto on_signal = [](int, void* data) {
        static_cast<Server*>(data)->stop();
        return 0;
    };
    wl_event_source* term = wl_event_loop_add_signal(server.loop(), SIGTERM, on_signal, &server);
    wl_event_source* intr = wl_event_loop_add_signal(server.loop(), SIGINT, on_signal, &server);
    server.run();
    wl_event_source_remove(term);
    wl_event_source_remove(intr);
    return 0;
}
