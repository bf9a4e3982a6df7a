/** The IR contract between the compiler (which writes it) and the runtime (which runs it). */
export * from "./types.js";
export { validateIR, irSchema } from "./validate.js";
export { surfaceMatches, surfacesOverlap } from "./surfaces.js";
export { channelsSentOn, fragmentsIncluded, journeyUses, type JourneyUses, type PartialsMemo } from "./uses.js";
