#include "closure.h"

#include <elf.h>

#include <deque>
#include <optional>
#include <set>

#include "elf_info.h"

namespace tessera::image {

namespace fs = std::filesystem;

std::string expand_dynamic_string_tokens(const std::string& entry, const std::string& origin) {
    static const std::pair<const char*, std::string> tokens[] = {
        {"ORIGIN", ""}, {"LIB", "lib/x86_64-linux-gnu"}, {"PLATFORM", "x86_64"}};
    std::string out;
    for (std::size_t i = 0; i < entry.size();) {
        if (entry[i] != '$') {
            out += entry[i++];
            continue;
        }
        bool matched = false;
        for (const auto& [name, value] : tokens) {
            std::string plain = name, braced = std::string("{") + name + "}";
            std::string_view rest(entry.data() + i + 1, entry.size() - i - 1);
            std::size_t length = 0;
            if (rest.starts_with(braced)) {
                length = braced.size();
            } else if (rest.starts_with(plain) &&
                       (rest.size() == plain.size() ||
                        !(std::isalnum(static_cast<unsigned char>(rest[plain.size()])) || rest[plain.size()] == '_'))) {
                length = plain.size();
            }
            if (length != 0) {
                out += std::string(name) == "ORIGIN" ? origin : value;
                i += 1 + length;
                matched = true;
                break;
            }
        }
        if (!matched) out += entry[i++];
    }
    return out;
}

namespace {

// A directory to search, as seen inside the image and on the host.
struct SearchDirectory {
    std::string image;  // normalized, no leading slash
    fs::path host;
};

struct Object {
    std::string image_path;
    fs::path host_file;  // empty for inline entries
    ElfDynamicInfo info;
    std::vector<SearchDirectory> inherited_rpath;  // the loader chain's DT_RPATH
};

std::string parent_of(const std::string& image_path) {
    auto slash = image_path.rfind('/');
    return slash == std::string::npos ? std::string() : image_path.substr(0, slash);
}

// Image paths from RPATHs and symlink targets may contain "..": resolve it
// lexically (as the loader sees the image: no host symlinks involved).
std::string lexical_image_path(const std::string& path) {
    return normalize_image_path(fs::path("/" + path).lexically_normal().string());
}

std::string join(const std::string& directory, const std::string& name) {
    return lexical_image_path(directory.empty() ? name : directory + "/" + name);
}

class ClosureBuilder {
public:
    ClosureBuilder(Ramdisk& ramdisk, const ClosureOptions& options) : ramdisk_(ramdisk), options_(options) {}

    ClosureResult run() {
        for (const auto& [path, entry] : ramdisk_.entries()) {
            if (entry.kind != EntryKind::file) continue;
            if (auto object = load_entry(path)) {
                if (object->info.interpreter) note_interpreter(*object->info.interpreter);
                if (object->info.interpreter || !object->info.needed.empty()) queue_.push_back(std::move(*object));
            }
        }
        while (!queue_.empty()) {
            Object object = std::move(queue_.front());
            queue_.pop_front();
            if (!processed_.insert(object.image_path).second) continue;
            process(object);
        }
        return std::move(result_);
    }

private:
    // libc.so.6 needs ld-linux-x86-64.so.2: in a process that is the
    // interpreter already loaded under that name, not another copy.
    void note_interpreter(const std::string& interpreter) {
        interpreter_names_.insert(fs::path(interpreter).filename().string());
    }

    fs::path on_host(const std::string& absolute) const { return options_.host_root / normalize_image_path(absolute); }

    // Follows symlinks inside the image; the final path or nullopt.
    std::optional<std::string> resolve_in_image(std::string path) const {
        for (int depth = 0; depth < 16; ++depth) {
            const Entry* entry = ramdisk_.find(path);
            if (entry == nullptr) return std::nullopt;
            if (entry->kind != EntryKind::symlink) return path;
            const std::string& target = entry->contents;
            path = target.starts_with('/') ? lexical_image_path(target) : join(parent_of(path), target);
        }
        return std::nullopt;
    }

    // The ELF view of an image entry; nullopt for non-ELF files. ELF files
    // it cannot analyse are reported as warnings.
    std::optional<Object> load_entry(const std::string& image_path) {
        const Entry* entry = ramdisk_.find(image_path);
        if (entry == nullptr || entry->kind != EntryKind::file) return std::nullopt;
        try {
            std::optional<ElfDynamicInfo> info;
            if (entry->source.empty()) {
                if (!looks_like_elf(entry->contents)) return std::nullopt;
                info = parse_elf_dynamic_info(entry->contents);
            } else {
                info = read_elf_dynamic_info(entry->source);
            }
            if (!info) return std::nullopt;
            return Object{.image_path = image_path, .host_file = entry->source, .info = *info, .inherited_rpath = {}};
        } catch (const ElfFormatError& error) {
            result_.warnings.push_back("/" + image_path + ": not analysed: " + error.what());
            return std::nullopt;
        }
    }

    bool compatible(const ElfDynamicInfo& library, const ElfDynamicInfo& user) const {
        return library.is_64_bit == user.is_64_bit && library.little_endian == user.little_endian &&
               library.machine == user.machine;
    }

    // Looks for `name` at image_path (already in the image) or host_file.
    // Returns the image path of a usable library, adding it when needed.
    std::optional<std::string> try_candidate(const std::string& image_path, const fs::path& host_file,
                                             const Object& user, std::vector<SearchDirectory> chain) {
        if (auto in_image = resolve_in_image(image_path)) {
            auto object = load_entry(*in_image);
            if (!object || !compatible(object->info, user.info)) return std::nullopt;
            object->inherited_rpath = std::move(chain);
            queue_.push_back(std::move(*object));
            return image_path;
        }
        if (ramdisk_.contains(image_path)) return std::nullopt;  // a dangling symlink or a directory
        std::error_code error;
        if (!fs::is_regular_file(host_file, error)) return std::nullopt;
        std::optional<ElfDynamicInfo> info;
        try {
            info = read_elf_dynamic_info(host_file);
        } catch (const ElfFormatError&) {
            return std::nullopt;  // e.g. a 32-bit library: ld.so skips it too
        }
        if (!info || !compatible(*info, user.info)) return std::nullopt;
        ramdisk_.add_file("/" + image_path, host_file);
        result_.added.push_back({image_path, host_file, user.image_path});
        queue_.push_back(Object{.image_path = image_path,
                                .host_file = fs::canonical(host_file),
                                .info = *info,
                                .inherited_rpath = std::move(chain)});
        return image_path;
    }

    std::vector<SearchDirectory> expand(const std::vector<std::string>& entries, const Object& object) const {
        std::string image_origin = "/" + parent_of(object.image_path);
        std::string host_origin =
            object.host_file.empty() ? on_host(image_origin).string() : object.host_file.parent_path().string();
        std::vector<SearchDirectory> directories;
        for (const auto& entry : entries) {
            std::string image = expand_dynamic_string_tokens(entry, image_origin);
            if (!image.starts_with('/')) continue;  // relative to the process's cwd: meaningless here
            bool uses_origin =
                entry.find("$ORIGIN") != std::string::npos || entry.find("${ORIGIN}") != std::string::npos;
            fs::path host = uses_origin ? fs::path(expand_dynamic_string_tokens(entry, host_origin)) : on_host(image);
            directories.push_back({lexical_image_path(image), host.lexically_normal()});
        }
        return directories;
    }

    void process(const Object& object) {
        if (object.info.interpreter) {
            const std::string& interpreter = *object.info.interpreter;
            note_interpreter(interpreter);
            std::string image_path = normalize_image_path(interpreter);
            if (!try_candidate(image_path, on_host(interpreter), object, {})) {
                throw RamdiskError("/" + object.image_path + " needs the interpreter " + interpreter +
                                   ", which is neither in the image nor usable on the host");
            }
        }
        std::vector<SearchDirectory> own_rpath =
            object.info.runpath.empty() ? expand(object.info.rpath, object) : std::vector<SearchDirectory>{};
        // What this object's libraries inherit: its DT_RPATH, then its loaders'.
        std::vector<SearchDirectory> chain = own_rpath;
        chain.insert(chain.end(), object.inherited_rpath.begin(), object.inherited_rpath.end());
        std::vector<SearchDirectory> search = object.info.runpath.empty() ? chain : expand(object.info.runpath, object);
        for (const auto& directory : options_.system_directories) {
            search.push_back({normalize_image_path(directory), on_host(directory)});
        }
        for (const auto& name : object.info.needed) {
            if (interpreter_names_.contains(name)) continue;
            std::optional<std::string> found;
            if (name.find('/') != std::string::npos) {
                found = try_candidate(normalize_image_path(name), on_host(name), object, chain);
            } else {
                for (const auto& directory : search) {
                    found = try_candidate(join(directory.image, name), directory.host / name, object, chain);
                    if (found) break;
                }
            }
            if (!found) {
                std::string searched;
                for (const auto& directory : search) searched += " /" + directory.image;
                throw RamdiskError("/" + object.image_path + " needs " + name + ", not found in:" + searched);
            }
        }
    }

    Ramdisk& ramdisk_;
    const ClosureOptions& options_;
    ClosureResult result_;
    std::deque<Object> queue_;
    std::set<std::string> processed_;
    std::set<std::string> interpreter_names_;
};

}  // namespace

ClosureResult add_shared_library_closure(Ramdisk& ramdisk, const ClosureOptions& options) {
    return ClosureBuilder(ramdisk, options).run();
}

}  // namespace tessera::image
