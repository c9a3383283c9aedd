#!/bin/sh
# Writes the base image's manifest (docs/formats/ramdisk.md): busybox, one
# symlink per applet (busybox runs the applet named by argv[0]), /etc,
# /tmp and /root.
# usage: make_manifest.sh BUSYBOX SOURCE_DIR > manifest
set -eu
busybox=$1
source_dir=$2
echo "file /bin/busybox $busybox 0755"
"$busybox" --list | sort | while read -r applet; do
    [ "$applet" = busybox ] || echo "symlink /bin/$applet busybox"
done
echo "symlink /sbin/init ../bin/sh"
# A writable root (tmpfs): /tmp for scratch files, /root as root's home.
echo "dir /tmp 1777"
echo "dir /root 0700"
echo "file /etc/rc $source_dir/rc 0644"
echo "file /etc/motd $source_dir/motd 0644"
echo 'text /etc/passwd root:x:0:0:root:/root:/bin/sh\n'
echo 'text /etc/group root:x:0:\n'
