import { CommandResponseType, CommandResultType } from '../ocpi/adapter/command-wire';

/**
 * Where a command stands, as the app sees it:
 * - SENDING: being sent to the CPO; NOT_SENT: the call failed (no answer, or an OCPI error; see `error`);
 * - REJECTED, NOT_SUPPORTED, UNKNOWN_SESSION: the CPO's immediate answer (no result follows);
 * - AWAITING_RESULT: the CPO accepted it, the Charge Point's result has not come yet;
 * - a CommandResultType (ACCEPTED, FAILED, EVSE_OCCUPIED, …): the result the CPO posted;
 * - TIMEOUT: no result within the timeout (ours, or posted by the CPO);
 * - STARTED_LATE: a START_SESSION with no ACCEPTED result whose Session arrived all the same.
 */
export type CommandState = 'SENDING' | 'NOT_SENT' | 'AWAITING_RESULT' | 'STARTED_LATE' | CommandResponseType | CommandResultType;
