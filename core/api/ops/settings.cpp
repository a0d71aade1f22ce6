// Ops "settings_get" and "settings_set".
#include "core/api/engine.h"
#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_settings_get(OpContext& ctx) { return SettingsToJson(ctx.workspace.settings); }

Result<Json> Op_settings_set(OpContext& ctx) {
  if (!ctx.request.contains("settings")) return InvalidArgument("settings_set: expected {\"settings\": {...}}");
  // Starts from the stored settings: keys not given keep their value.
  Result<Settings> s = SettingsFromJson(ctx.request["settings"], ctx.workspace.settings);
  if (!s.ok()) return s.status();
  if (!ctx.engine) return InvalidArgument("settings_set: no engine to store the settings in");
  RAPPORT_RETURN_IF_ERROR(ctx.engine->SaveSettings(*s));
  return SettingsToJson(*s);
}

}  // namespace rapport
