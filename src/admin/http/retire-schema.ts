/** The body of `POST /links/{connector}/{workspace}/{channel}/retire` (see schemas.ts). */
export const retireRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    grace_days: {
      type: 'integer',
      minimum: 0,
      maximum: 365,
      default: 30,
      description: "Days the channel's own messages still reach the room before it is unlinked.",
    },
  },
} as const;
