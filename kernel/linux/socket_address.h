// struct sockaddr_un in and out of user memory, shared by linux/socket.cpp
// and linux/socket_messages.cpp.
#pragma once
#include <stdint.h>

#include "fs/vfs/vnode.h"
#include "ipc/unix_socket.h"
#include "lib/error.h"

namespace linux {

constexpr uint16_t af_unspec = 0, af_unix = 1;
constexpr uint64_t sockaddr_family_size = 2;  // offsetof(struct sockaddr_un, sun_path)

// AF_UNSPEC is the empty address too when allow_unspecified (connect).
lib::ErrorOr<ipc::UnixAddress> read_unix_address(uint64_t address, uint64_t length, bool allow_unspecified = false);
// A path name's socket node for connect and sendto: looked up relative to
// the cwd (ENOENT, ENOTDIR... as for any path); holder keeps it for the call.
lib::Status resolve_socket_path(ipc::UnixAddress& address, fs::VnodeReference& holder);

// Writes address as a sockaddr_un to user memory: at most *length bytes
// (read from length_address), then the full length back there.
lib::Status write_unix_address(const ipc::UnixAddress& address, uint64_t user_address, uint64_t length_address);
// The same into a msghdr: returns the full length, writes at most capacity.
lib::ErrorOr<uint32_t> write_unix_address_bounded(const ipc::UnixAddress& address, uint64_t user_address,
                                                  uint32_t capacity);

}  // namespace linux
