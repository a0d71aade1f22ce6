// The customer facts (CachedFacts, core/api/ops.h), then the caller's analysis on them in an engine step of its
// own (core/api/cache.h StepWork): a step that has just built the facts' last part yields first. For the one-step
// analyses of a page (cohorts, the funnel, RFM), so that no step is the facts' last part and a whole analysis,
// which a page opened meanwhile would wait for.
#pragma once

#include <memory>

#include "core/api/cache.h"
#include "core/api/engine.h"
#include "core/api/ops.h"

namespace rapport {

inline std::shared_ptr<const CustomerFacts> FactsThenOwnStep(OpContext& ctx, int32_t as_of_day, uint32_t currency) {
  std::shared_ptr<const CustomerFacts> facts = CachedFacts(ctx, as_of_day, currency);
  if (ctx.engine) ctx.engine->cache().StepWork();
  return facts;
}

}  // namespace rapport
