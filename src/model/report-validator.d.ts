// Types of the generated src/model/report-validator.js (scripts/gen-validator.mjs).
import type { ErrorObject } from 'ajv';

export interface ReportValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export const validate: ReportValidator;
export default validate;
