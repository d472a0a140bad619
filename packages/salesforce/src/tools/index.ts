import { describeObject } from './describe-object.js';
import { getOpportunityDetails } from './get-opportunity-details.js';
import { getRecord } from './get-record.js';
import { getRelatedRecords } from './get-related-records.js';
import { listObjects } from './list-objects.js';
import { createRecordTool, deleteRecordTool, updateRecordTool } from './record-writes.js';
import { createFollowUpTask, logActivity, updateLeadStatus, updateOpportunityStage } from './sales-writes.js';
import { searchAccounts } from './search-accounts.js';
import { searchContacts } from './search-contacts.js';
import { searchOpportunities } from './search-opportunities.js';
import { soqlQuery } from './soql-query.js';
import { soslSearch } from './sosl-search.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [
  soqlQuery,
  soslSearch,
  listObjects,
  describeObject,
  getRecord,
  getRelatedRecords,
  searchAccounts,
  searchContacts,
  searchOpportunities,
  getOpportunityDetails,
  updateOpportunityStage,
  createFollowUpTask,
  logActivity,
  updateLeadStatus,
  createRecordTool,
  updateRecordTool,
  deleteRecordTool,
] as const;
