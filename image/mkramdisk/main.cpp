// mkramdisk: packs a Tessera ramdisk (cpio newc) from directories, single
// files, manifests and inline text, optionally with each dynamic ELF's
// shared-library closure. See image/README.md and docs/formats/ramdisk.md.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "closure.h"
#include "cpio.h"
#include "ramdisk.h"

namespace {

namespace image = tessera::image;

void usage(std::FILE* out) {
    std::fputs(
        "usage: mkramdisk -o ARCHIVE [options] [DIR ...]\n"
        "       mkramdisk --list ARCHIVE\n"
        "Packs a deterministic cpio (newc) ramdisk: members sorted by path, uid/gid 0,\n"
        "one mtime. Each DIR becomes the root of the image (later ones win).\n"
        "  -o, --output FILE      the archive to write ('-' for stdout)\n"
        "  --add DEST=SOURCE      add a host file (symlinks followed) or directory at DEST\n"
        "  --text DEST=CONTENT    add a file with this content (no escapes)\n"
        "  --manifest FILE        add what FILE lists (file/dir/tree/symlink/nod/fifo/text lines)\n"
        "  --closure              also copy each dynamic ELF's interpreter and shared libraries\n"
        "                         (DT_NEEDED via RPATH/RUNPATH and the system directories)\n"
        "  --library-dir DIR      another directory to search for libraries (after RUNPATH)\n"
        "  --host-root DIR        look up host libraries and interpreters under DIR (a sysroot)\n"
        "  --mtime SECONDS        mtime of every member (default 0)\n"
        "  -v, --verbose          say which libraries --closure added\n"
        "  --list ARCHIVE         print the members of an archive and exit\n",
        out);
}

const char* type_letter(std::uint32_t mode) {
    switch (mode & S_IFMT) {
        case S_IFDIR:
            return "d";
        case S_IFLNK:
            return "l";
        case S_IFCHR:
            return "c";
        case S_IFBLK:
            return "b";
        case S_IFIFO:
            return "p";
        case S_IFREG:
            return "-";
        default:
            return "?";
    }
}

int list(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "mkramdisk: cannot read %s\n", path.c_str());
        return 1;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& member : image::parse_cpio(bytes)) {
        const auto& h = member.header;
        std::printf("%s%04o %u/%u %10u %s", type_letter(h.mode), h.mode & 07777, h.uid, h.gid, h.file_size,
                    member.name.c_str());
        if ((h.mode & S_IFMT) == S_IFLNK) std::printf(" -> %s", member.data.c_str());
        if ((h.mode & S_IFMT) == S_IFCHR || (h.mode & S_IFMT) == S_IFBLK) {
            std::printf(" (%u,%u)", h.rdev_major, h.rdev_minor);
        }
        std::printf("\n");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string output;
    image::Ramdisk ramdisk;
    image::WriteOptions write_options;
    image::ClosureOptions closure_options;
    bool closure = false, verbose = false;
    std::vector<std::string> extra_library_directories;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw image::RamdiskError(arg + " needs a value");
                return argv[++i];
            };
            if (arg == "-h" || arg == "--help") {
                usage(stdout);
                return 0;
            } else if (arg == "--list") {
                return list(value());
            } else if (arg == "-o" || arg == "--output") {
                output = value();
            } else if (arg == "--add") {
                ramdisk.add_spec(value());
            } else if (arg == "--text") {
                std::string spec = value();
                auto equals = spec.find('=');
                if (equals == std::string::npos || equals == 0) throw image::RamdiskError("--text wants DEST=CONTENT");
                ramdisk.add_text(spec.substr(0, equals), spec.substr(equals + 1));
            } else if (arg == "--manifest") {
                ramdisk.add_manifest(value());
            } else if (arg == "--closure") {
                closure = true;
            } else if (arg == "--library-dir") {
                extra_library_directories.push_back(value());
            } else if (arg == "--host-root") {
                closure_options.host_root = value();
            } else if (arg == "--mtime") {
                std::string text = value();
                char* end = nullptr;
                unsigned long long mtime = std::strtoull(text.c_str(), &end, 10);
                if (text.empty() || *end != '\0' || mtime > 0xFFFFFFFFull) {
                    throw image::RamdiskError("--mtime wants seconds since 1970, not '" + text + "'");
                }
                write_options.mtime = static_cast<std::uint32_t>(mtime);
            } else if (arg == "-v" || arg == "--verbose") {
                verbose = true;
            } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
                throw image::RamdiskError("unknown option '" + arg + "' (see --help)");
            } else {
                ramdisk.add_tree(arg, "/");
            }
        }
        if (output.empty()) {
            usage(stderr);
            return 2;
        }
        if (closure) {
            auto& directories = closure_options.system_directories;
            directories.insert(directories.begin(), extra_library_directories.begin(), extra_library_directories.end());
            auto result = image::add_shared_library_closure(ramdisk, closure_options);
            for (const auto& warning : result.warnings)
                std::fprintf(stderr, "mkramdisk: warning: %s\n", warning.c_str());
            if (verbose) {
                for (const auto& added : result.added) {
                    std::fprintf(stderr, "mkramdisk: /%s <- %s (needed by /%s)\n", added.image_path.c_str(),
                                 added.source.c_str(), added.needed_by.c_str());
                }
            }
        }
        if (output == "-") {
            ramdisk.write(std::cout, write_options);
            std::cout.flush();
            return std::cout ? 0 : 1;
        }
        // Write next to the target and rename: a failed run leaves no half archive.
        std::string temporary = output + ".partial";
        try {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            if (!out) throw image::RamdiskError("cannot create " + temporary);
            ramdisk.write(out, write_options);
            out.close();
            if (!out) throw image::RamdiskError("cannot write " + temporary);
        } catch (...) {
            std::remove(temporary.c_str());
            throw;
        }
        if (std::rename(temporary.c_str(), output.c_str()) != 0) {
            std::remove(temporary.c_str());
            throw image::RamdiskError("cannot rename " + temporary + " to " + output);
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "mkramdisk: %s\n", error.what());
        return 1;
    }
}
