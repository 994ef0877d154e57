import { slackContractTarget } from '../simulators/slack/contract-target.js';
import { runContractSuite } from './suite.js';

runContractSuite(slackContractTarget('socket'));
