// Helpers shared by the mkramdisk unit tests.
#pragma once

#include <filesystem>
#include <string>

#include "ramdisk.h"

namespace tessera::image::test {

// A fresh directory under the system temp directory, removed on destruction.
class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& contents);
std::string read_file(const std::filesystem::path& path);
std::string archive_bytes(const Ramdisk& ramdisk, const WriteOptions& options = {});

// Runs a shell command; its stdout, and its exit status through `status`.
std::string run(const std::string& command, int* status = nullptr);

}  // namespace tessera::image::test
