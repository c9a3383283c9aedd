#include "ramdisk.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "cpio.h"

namespace tessera::image {

namespace fs = std::filesystem;

std::string normalize_image_path(const std::string& path) {
    if (path.find('\0') != std::string::npos) throw RamdiskError("NUL in image path");
    std::string result;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string component = path.substr(start, end - start);
        start = end + 1;
        if (component.empty() || component == ".") continue;
        if (component == "..") throw RamdiskError("'..' is not allowed in image path: " + path);
        if (!result.empty()) result += '/';
        result += component;
    }
    return result;
}

namespace {

std::uint32_t type_bits(EntryKind kind) {
    switch (kind) {
        case EntryKind::directory:
            return S_IFDIR;
        case EntryKind::file:
            return S_IFREG;
        case EntryKind::symlink:
            return S_IFLNK;
        case EntryKind::character_device:
            return S_IFCHR;
        case EntryKind::block_device:
            return S_IFBLK;
        case EntryKind::fifo:
            return S_IFIFO;
    }
    return 0;
}

std::string display(const std::string& image_path) {
    return "/" + image_path;
}

Entry make_entry(EntryKind kind, std::uint32_t permissions, fs::path source = {}, std::string contents = {},
                 std::uint32_t major = 0, std::uint32_t minor = 0) {
    Entry entry;
    entry.kind = kind;
    entry.permissions = permissions & 07777;
    entry.source = std::move(source);
    entry.contents = std::move(contents);
    entry.rdev_major = major;
    entry.rdev_minor = minor;
    return entry;
}

std::uint32_t parse_mode(const std::string& text) {
    std::size_t used = 0;
    unsigned long mode = 0;
    try {
        mode = std::stoul(text, &used, 8);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || mode > 07777) throw RamdiskError("bad mode '" + text + "' (octal, e.g. 0755)");
    return static_cast<std::uint32_t>(mode);
}

std::uint32_t parse_number(const std::string& text) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used, 10);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || value > 0xFFFFFFFFul) throw RamdiskError("bad number '" + text + "'");
    return static_cast<std::uint32_t>(value);
}

// Manifest text: \n, \t, \\ and \s (space) escapes.
std::string unescape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        char c = text[++i];
        switch (c) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 's':
                out += ' ';
                break;
            case '\\':
                out += '\\';
                break;
            default:
                throw RamdiskError(std::string("unknown escape \\") + c);
        }
    }
    return out;
}

}  // namespace

const Entry* Ramdisk::find(const std::string& path) const {
    auto it = entries_.find(normalize_image_path(path));
    return it == entries_.end() ? nullptr : &it->second;
}

void Ramdisk::put(const std::string& raw_path, Entry entry) {
    std::string path = normalize_image_path(raw_path);
    if (path.empty()) {
        if (entry.kind != EntryKind::directory) throw RamdiskError("the root of the image must be a directory");
        return;  // the root exists implicitly; it is not a member
    }
    // Parents first: each must be a directory (or become one).
    for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        std::string parent = path.substr(0, slash);
        auto it = entries_.find(parent);
        if (it == entries_.end()) {
            entries_.emplace(parent, make_entry(EntryKind::directory, 0755));
        } else if (it->second.kind != EntryKind::directory) {
            throw RamdiskError("cannot add " + display(path) + ": " + display(parent) + " is not a directory");
        }
    }
    auto it = entries_.find(path);
    if (it != entries_.end() && it->second.kind == EntryKind::directory) {
        if (entry.kind == EntryKind::directory) {
            it->second.permissions = entry.permissions;  // re-adding a directory updates its mode
            return;
        }
        auto child = entries_.lower_bound(path + "/");
        if (child != entries_.end() && child->first.starts_with(path + "/")) {
            throw RamdiskError("cannot replace directory " + display(path) + " (it has entries) with a non-directory");
        }
    }
    entries_[path] = std::move(entry);
}

void Ramdisk::add_directory(const std::string& destination, std::uint32_t permissions) {
    put(destination, make_entry(EntryKind::directory, permissions));
}

void Ramdisk::add_text(const std::string& destination, std::string contents, std::uint32_t permissions) {
    put(destination, make_entry(EntryKind::file, permissions, {}, std::move(contents)));
}

void Ramdisk::add_symlink(const std::string& destination, const std::string& target) {
    if (target.empty()) throw RamdiskError("symlink " + destination + " needs a target");
    put(destination, make_entry(EntryKind::symlink, 0777, {}, target));
}

void Ramdisk::add_device(const std::string& destination, EntryKind kind, std::uint32_t permissions, std::uint32_t major,
                         std::uint32_t minor) {
    if (kind != EntryKind::character_device && kind != EntryKind::block_device && kind != EntryKind::fifo) {
        throw RamdiskError("add_device takes a device or FIFO kind");
    }
    put(destination, make_entry(kind, permissions, {}, {}, major, minor));
}

void Ramdisk::add_file(const std::string& destination, const fs::path& source,
                       std::optional<std::uint32_t> permissions) {
    struct stat info {};
    if (::stat(source.c_str(), &info) != 0) {
        throw RamdiskError("cannot add " + source.string() + ": " + std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode)) {
        add_tree(source, destination);
        if (permissions) add_directory(destination, *permissions);
        return;
    }
    if (!S_ISREG(info.st_mode)) throw RamdiskError("not a regular file: " + source.string());
    if (normalize_image_path(destination).empty()) throw RamdiskError("a file cannot be the image root");
    put(destination, make_entry(EntryKind::file, permissions.value_or(info.st_mode & 07777), fs::absolute(source)));
}

void Ramdisk::add_tree(const fs::path& tree, const std::string& destination) {
    struct stat info {};
    if (::stat(tree.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        throw RamdiskError("not a directory: " + tree.string());
    }
    std::string base = normalize_image_path(destination);
    if (!base.empty()) add_directory(base, info.st_mode & 07777);
    // Collect first and sort so that errors and replacements are deterministic.
    std::vector<fs::path> paths;
    for (auto it = fs::recursive_directory_iterator(tree, fs::directory_options::none);
         it != fs::recursive_directory_iterator(); ++it) {
        paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
        std::string inside =
            base.empty() ? path.lexically_relative(tree).string() : base + "/" + path.lexically_relative(tree).string();
        struct stat entry_info {};
        if (::lstat(path.c_str(), &entry_info) != 0) {
            throw RamdiskError("cannot stat " + path.string() + ": " + std::strerror(errno));
        }
        std::uint32_t permissions = entry_info.st_mode & 07777;
        switch (entry_info.st_mode & S_IFMT) {
            case S_IFDIR:
                add_directory(inside, permissions);
                break;
            case S_IFREG:
                put(inside, make_entry(EntryKind::file, permissions, fs::absolute(path)));
                break;
            case S_IFLNK:
                add_symlink(inside, fs::read_symlink(path).string());
                break;
            case S_IFCHR:
            case S_IFBLK:
                add_device(inside, S_ISCHR(entry_info.st_mode) ? EntryKind::character_device : EntryKind::block_device,
                           permissions, major(entry_info.st_rdev), minor(entry_info.st_rdev));
                break;
            case S_IFIFO:
                add_device(inside, EntryKind::fifo, permissions, 0, 0);
                break;
            default:
                break;  // sockets make no sense in an image
        }
    }
}

void Ramdisk::add_spec(const std::string& spec) {
    auto equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size()) {
        throw RamdiskError("--add wants DEST=SOURCE, not '" + spec + "'");
    }
    add_file(spec.substr(0, equals), spec.substr(equals + 1));
}

void apply_manifest_line(Ramdisk& ramdisk, const std::string& line, const fs::path& base) {
    std::istringstream words(line);
    std::string directive;
    if (!(words >> directive) || directive.starts_with('#')) return;
    std::vector<std::string> args;
    auto source = [&](const std::string& text) { return fs::path(text).is_absolute() ? fs::path(text) : base / text; };
    if (directive == "text") {
        std::string destination;
        if (!(words >> destination)) throw RamdiskError("text wants DEST CONTENT");
        std::string rest;
        std::getline(words, rest);
        if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
        ramdisk.add_text(destination, unescape(rest));
        return;
    }
    for (std::string word; words >> word;) args.push_back(word);
    auto want = [&](std::size_t min, std::size_t max, const char* usage) {
        if (args.size() < min || args.size() > max) throw RamdiskError(directive + " wants " + usage);
    };
    if (directive == "file") {
        want(2, 3, "DEST SOURCE [MODE]");
        std::optional<std::uint32_t> mode;
        if (args.size() == 3) mode = parse_mode(args[2]);
        ramdisk.add_file(args[0], source(args[1]), mode);
    } else if (directive == "dir") {
        want(1, 2, "DEST [MODE]");
        ramdisk.add_directory(args[0], args.size() == 2 ? parse_mode(args[1]) : 0755);
    } else if (directive == "tree") {
        want(2, 2, "DEST SOURCE");
        ramdisk.add_tree(source(args[1]), args[0]);
    } else if (directive == "symlink") {
        want(2, 2, "DEST TARGET");
        ramdisk.add_symlink(args[0], args[1]);
    } else if (directive == "nod") {
        want(5, 5, "DEST MODE c|b MAJOR MINOR");
        EntryKind kind;
        if (args[2] == "c") {
            kind = EntryKind::character_device;
        } else if (args[2] == "b") {
            kind = EntryKind::block_device;
        } else {
            throw RamdiskError("nod type is c or b, not '" + args[2] + "'");
        }
        ramdisk.add_device(args[0], kind, parse_mode(args[1]), parse_number(args[3]), parse_number(args[4]));
    } else if (directive == "fifo") {
        want(1, 2, "DEST [MODE]");
        ramdisk.add_device(args[0], EntryKind::fifo, args.size() == 2 ? parse_mode(args[1]) : 0644, 0, 0);
    } else {
        throw RamdiskError("unknown manifest directive '" + directive + "'");
    }
}

void Ramdisk::add_manifest(const fs::path& manifest) {
    std::ifstream in(manifest);
    if (!in) throw RamdiskError("cannot read manifest " + manifest.string());
    fs::path base = fs::absolute(manifest).parent_path();
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        try {
            apply_manifest_line(*this, line, base);
        } catch (const std::exception& error) {
            throw RamdiskError(manifest.string() + ":" + std::to_string(number) + ": " + error.what());
        }
    }
}

void Ramdisk::write(std::ostream& out, const WriteOptions& options) const {
    CpioWriter writer(out);
    std::uint32_t inode = 0;
    std::vector<char> buffer(1 << 16);
    for (const auto& [path, entry] : entries_) {
        CpioHeader header;
        header.inode = ++inode;
        header.mode = type_bits(entry.kind) | entry.permissions;
        header.nlink = entry.kind == EntryKind::directory ? 2 : 1;
        header.mtime = options.mtime;
        header.rdev_major = entry.rdev_major;
        header.rdev_minor = entry.rdev_minor;
        if (entry.kind == EntryKind::symlink) {
            header.file_size = static_cast<std::uint32_t>(entry.contents.size());
            writer.begin_member(path, header);
            writer.write_data(entry.contents);
            continue;
        }
        if (entry.kind != EntryKind::file) {
            writer.begin_member(path, header);
            continue;
        }
        if (entry.source.empty()) {
            if (entry.contents.size() > cpio_max_file_size) throw RamdiskError(display(path) + " is 4 GiB or more");
            header.file_size = static_cast<std::uint32_t>(entry.contents.size());
            writer.begin_member(path, header);
            writer.write_data(entry.contents);
            continue;
        }
        std::ifstream in(entry.source, std::ios::binary);
        if (!in) throw RamdiskError("cannot read " + entry.source.string() + " for " + display(path));
        std::uint64_t size = fs::file_size(entry.source);
        if (size > cpio_max_file_size) {
            throw RamdiskError(entry.source.string() + " is 4 GiB or more: newc cannot hold it");
        }
        header.file_size = static_cast<std::uint32_t>(size);
        writer.begin_member(path, header);
        std::uint64_t remaining = size;
        while (remaining > 0) {
            auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, buffer.size()));
            in.read(buffer.data(), static_cast<std::streamsize>(chunk));
            if (static_cast<std::size_t>(in.gcount()) != chunk) {
                throw RamdiskError(entry.source.string() + " shrank while it was being packed");
            }
            writer.write_data(std::span<const char>(buffer.data(), chunk));
            remaining -= chunk;
        }
    }
    writer.finish();
}

}  // namespace tessera::image
