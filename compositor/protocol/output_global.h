// wl_output for the one screen, and wl_subcompositor.
#pragma once

namespace tessera::ui {
class Server;
void create_output_global(Server& server);
void create_subcompositor_global(Server& server);
void create_layer_shell_global(Server& server);
// Sends the current mode to every bound wl_output (after a mode change).
void send_output_mode(Server& server);
}  // namespace tessera::ui
