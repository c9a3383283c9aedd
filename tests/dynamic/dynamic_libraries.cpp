// dynamic-libraries: a program linked dynamically against Debian's
// libstdc++, libpixman-1, libfreetype, libharfbuzz, libxkbcommon and
// libwayland-client that uses each once. On Tessera it proves execve of a
// dynamic ELF (the kernel maps ld-linux, which maps the libraries with
// mmap of files) and the calls the libraries make. Prints one line per
// library and "PASS dynamic-libraries" at the end; exits 0 only then.
#include <ft2build.h>
#include FT_FREETYPE_H
#include <harfbuzz/hb.h>
#include <pixman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const char* font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
int failures = 0;

void report(const char* library, bool ok, const std::string& detail) {
    std::printf("%s %s: %s\n", ok ? "ok" : "FAIL", library, detail.c_str());
    if (!ok) ++failures;
}

void check_libstdcxx() {
    std::map<std::string, int> counts;
    for (const char* word : {"tessera", "kernel", "tessera"}) ++counts[word];
    bool caught = false;
    try {
        std::vector<int>().at(3);  // unwinding through libstdc++ and libgcc_s
    } catch (const std::out_of_range&) {
        caught = true;
    }
    report("libstdc++", counts["tessera"] == 2 && caught, "map, string, exception caught");
}

void check_pixman() {
    constexpr int size = 16;
    std::vector<uint32_t> pixels(size * size, 0);
    pixman_image_t* image =
        pixman_image_create_bits(PIXMAN_a8r8g8b8, size, size, pixels.data(), size * sizeof(uint32_t));
    pixman_color_t blue{0, 0, 0xFFFF, 0xFFFF};
    pixman_rectangle16_t rectangle{4, 4, 8, 8};
    bool filled = pixman_image_fill_rectangles(PIXMAN_OP_SRC, image, &blue, 1, &rectangle);
    uint32_t inside = pixels[5 * size + 5], outside = pixels[1 * size + 1];
    pixman_image_unref(image);
    char detail[96];
    std::snprintf(detail, sizeof detail, "fill + readback inside %08x outside %08x", inside, outside);
    report("pixman", filled && inside == 0xFF0000FF && outside == 0, detail);
}

void check_freetype() {
    FT_Library library;
    FT_Face face;
    if (FT_Init_FreeType(&library) != 0 || FT_New_Face(library, font_path, 0, &face) != 0) {
        report("freetype", false, std::string("cannot load ") + font_path);
        return;
    }
    FT_Set_Pixel_Sizes(face, 0, 32);
    bool rendered = FT_Load_Char(face, 'A', FT_LOAD_RENDER) == 0;
    unsigned width = face->glyph->bitmap.width, rows = face->glyph->bitmap.rows;
    int ink = 0;
    for (unsigned y = 0; y < rows; ++y)
        for (unsigned x = 0; x < width; ++x) ink += face->glyph->bitmap.buffer[y * face->glyph->bitmap.pitch + x] > 128;
    char detail[128];
    std::snprintf(detail, sizeof detail, "%s renders 'A' at 32 px: %ux%u, %d inked pixels", face->family_name, width,
                  rows, ink);
    report("freetype", rendered && width > 10 && rows > 10 && ink > 50, detail);
    FT_Done_Face(face);
    FT_Done_FreeType(library);
}

void check_harfbuzz() {
    hb_blob_t* blob = hb_blob_create_from_file(font_path);
    hb_face_t* face = hb_face_create(blob, 0);
    hb_font_t* font = hb_font_create(face);
    hb_buffer_t* buffer = hb_buffer_create();
    hb_buffer_add_utf8(buffer, "Tessera", -1, 0, -1);
    hb_buffer_guess_segment_properties(buffer);
    hb_shape(font, buffer, nullptr, 0);
    unsigned count = 0;
    hb_glyph_info_t* glyphs = hb_buffer_get_glyph_infos(buffer, &count);
    hb_glyph_position_t* positions = hb_buffer_get_glyph_positions(buffer, &count);
    bool all_found = count == 7;
    int advance = 0;
    for (unsigned i = 0; i < count; ++i) {
        all_found &= glyphs[i].codepoint != 0;
        advance += positions[i].x_advance;
    }
    // The two 's' glyphs are the same glyph.
    bool same_s = count == 7 && glyphs[2].codepoint == glyphs[3].codepoint;
    char detail[96];
    std::snprintf(detail, sizeof detail, "shaped \"Tessera\" into %u glyphs, advance %d", count, advance);
    report("harfbuzz", all_found && same_s && advance > 0, detail);
    hb_buffer_destroy(buffer);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

void check_xkbcommon() {
    xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
    xkb_rule_names names{"evdev", "pc105", "us", "", ""};
    xkb_keymap* keymap = context ? xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS) : nullptr;
    if (keymap == nullptr) {
        report("xkbcommon", false, "cannot compile the us keymap");
        if (context) xkb_context_unref(context);
        return;
    }
    xkb_state* state = xkb_state_new(keymap);
    constexpr xkb_keycode_t key_a = 38, left_shift = 50;  // evdev codes + 8
    xkb_keysym_t plain = xkb_state_key_get_one_sym(state, key_a);
    xkb_state_update_key(state, left_shift, XKB_KEY_DOWN);
    xkb_keysym_t shifted = xkb_state_key_get_one_sym(state, key_a);
    char detail[96];
    std::snprintf(detail, sizeof detail, "us keymap: key 38 is 0x%x, with shift 0x%x", plain, shifted);
    report("xkbcommon", plain == XKB_KEY_a && shifted == XKB_KEY_A, detail);
    xkb_state_unref(state);
    xkb_keymap_unref(keymap);
    xkb_context_unref(context);
}

void check_wayland_client() {
    // No compositor: connecting to a socket that does not exist fails cleanly.
    setenv("XDG_RUNTIME_DIR", "/tmp", 1);
    wl_display* missing = wl_display_connect("tessera-no-such-socket");
    bool clean = missing == nullptr;
    // A request marshalled by a real wl_proxy onto one end of a socketpair.
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        bool unsupported = errno == ENOSYS || errno == EAFNOSUPPORT;
        report("wayland-client", clean && unsupported,
               std::string("connect to a missing socket fails cleanly; socketpair: ") + std::strerror(errno));
        return;
    }
    wl_display* display = wl_display_connect_to_fd(fds[0]);
    wl_registry* registry = display ? wl_display_get_registry(display) : nullptr;
    bool flushed = display && wl_display_flush(display) >= 0;
    uint32_t message[3] = {};
    ssize_t got = read(fds[1], message, sizeof message);
    // wl_display (id 1) get_registry (opcode 1), 12 bytes, new id 2.
    bool marshalled = got == 12 && message[0] == 1 && message[1] == ((12u << 16) | 1) && message[2] == 2;
    char detail[128];
    std::snprintf(detail, sizeof detail, "missing socket %s; get_registry marshalled over a socketpair: %s",
                  clean ? "fails cleanly" : "did not fail", marshalled ? "yes" : "no");
    report("wayland-client", clean && registry && flushed && marshalled, detail);
    if (registry) wl_registry_destroy(registry);
    if (display) wl_display_disconnect(display);
    close(fds[1]);
}

}  // namespace

int main() {
    check_libstdcxx();
    check_pixman();
    check_freetype();
    check_harfbuzz();
    check_xkbcommon();
    check_wayland_client();
    std::printf(failures == 0 ? "PASS dynamic-libraries\n" : "FAIL dynamic-libraries: %d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
