// Reference lists fetched once per page load: complaint types and departments.
import { staff, resident, getAll } from './api.js';

let typesP = null;
let deptsP = null;
let publicTypesP = null;

export function complaintTypes() {
  if (!typesP) typesP = staff.get('/complaint-types').then((r) => r.items || []).catch((e) => { typesP = null; throw e; });
  return typesP;
}

export function publicComplaintTypes(tenant) {
  if (!publicTypesP) {
    publicTypesP = resident
      .get('/public/complaint-types' + (tenant ? '?tenant=' + encodeURIComponent(tenant) : ''))
      .then((r) => r.items || [])
      .catch((e) => { publicTypesP = null; throw e; });
  }
  return publicTypesP;
}

export function departments() {
  if (!deptsP) deptsP = getAll(staff, '/departments', { limit: 500 }, 3).then((r) => r.items).catch((e) => { deptsP = null; throw e; });
  return deptsP;
}

export function typeMap(types) {
  const m = new Map();
  for (const ty of types || []) m.set(ty.code, ty);
  return m;
}
