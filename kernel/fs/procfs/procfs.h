// procfs: a read-only view of the kernel's processes and memory, in the
// formats of Linux's proc(5), enough for busybox ps, top, free and uptime.
// Nodes are made on lookup; a file's text is generated when it is opened
// (a snapshot, as Linux's seq_file gives for small files).
#pragma once
#include "fs/vfs/vnode.h"

namespace fs {

lib::ErrorOr<FileSystem*> create_procfs();

}  // namespace fs
