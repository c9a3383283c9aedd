// Copies the shared-library closure of every dynamic ELF in a ramdisk from
// the host into it, so that the program runs with glibc's own loader inside
// the image: its PT_INTERP (ld-linux-x86-64.so.2) and, transitively, each
// DT_NEEDED library, found the way ld.so finds it:
//
//   1. a DT_NEEDED name containing '/' is a path;
//   2. DT_RUNPATH of the object that needs it, or, when it has none, its
//      DT_RPATH and then the DT_RPATH of each object up its loader chain;
//   3. the system directories (Debian's ld.so: /lib/x86_64-linux-gnu,
//      /usr/lib/x86_64-linux-gnu, /lib, /usr/lib).
//
// ld.so.cache and LD_LIBRARY_PATH are deliberately not consulted: the image
// has neither, so a library must sit where the loader in the image searches.
// $ORIGIN is expanded twice: against the host file (to find the library) and
// against the image path (to place it where $ORIGIN points inside the image).
// A library already in the ramdisk is used in place of the host's. Libraries
// are copied as regular files at the path the loader will open (symlinks such
// as libc.so.6 are followed). Candidates of another ELF class or machine
// (e.g. i386 libraries in /usr/lib) are skipped, as ld.so skips them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ramdisk.h"

namespace tessera::image {

struct ClosureOptions {
    std::vector<std::string> system_directories = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib",
                                                   "/usr/lib"};
    // Host files are looked up under this root ("/" normally; a sysroot in tests).
    std::filesystem::path host_root = "/";
};

struct ClosureResult {
    struct Added {
        std::string image_path;
        std::filesystem::path source;
        std::string needed_by;  // image path of the first object that needed it
    };
    std::vector<Added> added;
    std::vector<std::string> warnings;  // ELF files it could not analyse (e.g. 32-bit)
};

// Throws RamdiskError naming the object and the library when a DT_NEEDED
// library or an interpreter cannot be found.
ClosureResult add_shared_library_closure(Ramdisk& ramdisk, const ClosureOptions& options = {});

// Expands $ORIGIN / ${ORIGIN}, $LIB and $PLATFORM in one RPATH/RUNPATH entry.
std::string expand_dynamic_string_tokens(const std::string& entry, const std::string& origin);

}  // namespace tessera::image
