// End-to-end check that the published iExec SDK (npm `iexec`, pinned in package.json) drives our hub unmodified.
//
// Run by tests/sdk/test_sdk_roundtrip.py against the brownie chain; can also be run by hand:
//   IEXEC_SDK_RPC=http://127.0.0.1:8545 IEXEC_SDK_HUB=0x... IEXEC_SDK_KEY_HUB_OWNER=0x... \
//   IEXEC_SDK_KEY_REQUESTER=0x... IEXEC_SDK_KEY_APP_OWNER=0x... IEXEC_SDK_KEY_SCHEDULER=0x... \
//   IEXEC_SDK_KEY_WORKER=0x... node tests/sdk/sdk_roundtrip.mjs
// Every role's wallet must already hold RLC and ETH. Each step prints one line; any mismatch exits 1 with a
// FAIL line naming the step and the difference (IEXEC_SDK_DEBUG=1 adds the stack of unexpected errors).
//
// The SDK only needs the hub address: every off-chain service URL (SMS, IPFS, market API, subgraph) points at
// a closed local port, so a call that tried to reach one would fail loudly instead of going to the internet.
// The worker and scheduler side (initialize, contribute, reveal, finalize, contributeAndFinalize) is what
// iexec-worker / iexec-core do; it is sent here with ethers against the PoCo v5 hub ABI.
import { IExec, utils } from 'iexec';
import {
  AbiCoder,
  Contract,
  JsonRpcProvider,
  Wallet,
  getBytes,
  hexlify,
  id,
  keccak256,
  solidityPackedKeccak256,
  toUtf8Bytes,
} from 'ethers';

const DEAD_URL = 'http://127.0.0.1:9'; // discard port: nothing listens there
const TDX_TAG = '0x0000000000000000000000000000000000000000000000000000000000000009'; // TEE | TDX, added by the SDK
const STANDARD_CATEGORY_REFS = [300, 1200, 3600, 10800, 36000];
const SHORT_CATEGORY_REF = 100; // the claim scenario's category (created through the SDK): final deadline 1000 s

const APP_PRICE = 5n;
const DATASET_PRICE = 2n;
const WORKERPOOL_PRICE = 100n;
const DEPOSIT = 10_000n; // nRLC deposited by each role

// The part of the PoCo v5 hub ABI that workers and schedulers call (the SDK never sends these).
const WORKER_ABI = [
  'function initialize(bytes32 dealid, uint256 idx) returns (bytes32)',
  'function contribute(bytes32 taskid, bytes32 resultHash, bytes32 resultSeal, address enclaveChallenge, bytes enclaveSign, bytes authorizationSign)',
  'function reveal(bytes32 taskid, bytes32 resultDigest)',
  'function finalize(bytes32 taskid, bytes results, bytes resultsCallback)',
  'function contributeAndFinalize(bytes32 taskid, bytes32 resultDigest, bytes results, bytes resultsCallback, address enclaveChallenge, bytes enclaveSign, bytes authorizationSign)',
  'function initializeAndClaimArray(bytes32[] dealids, uint256[] idxs)',
  'function teebroker() view returns (address)',
];

// ---- small helpers ---------------------------------------------------------------------------------------------

class Mismatch extends Error {}

function check(condition, message) {
  if (!condition) throw new Mismatch(message);
}

function eq(actual, expected, what) {
  check(`${actual}` === `${expected}`, `${what}: expected ${expected}, got ${actual}`);
}

let stepCount = 0;
async function step(name, fn) {
  const started = performance.now(); // not Date.now: the script moves that clock (see followChainClock)
  let detail;
  try {
    detail = await fn();
  } catch (err) {
    const kind = err instanceof Mismatch ? 'MISMATCH' : 'ERROR';
    console.error(`FAIL ${name}: ${kind}: ${err.message}`);
    if (!(err instanceof Mismatch) && process.env.IEXEC_SDK_DEBUG) console.error(err);
    process.exit(1);
  }
  stepCount += 1;
  console.log(`ok ${String(stepCount).padStart(2)} ${name}${detail ? `: ${detail}` : ''} (${Math.round(performance.now() - started)} ms)`);
}

async function expectRejection(promise, pattern, what) {
  try {
    await promise;
  } catch (err) {
    check(pattern.test(err.message), `${what}: rejected with an unexpected message: ${err.message}`);
    return err.message;
  }
  throw new Mismatch(`${what}: expected a rejection matching ${pattern}, but it succeeded`);
}

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`FAIL setup: environment variable ${name} is not set`);
    process.exit(2);
  }
  return value;
}

// The first message an SDK observable (obsTask / obsDeal) emits, or an error after `ms`.
function firstMessage(observable, ms = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Mismatch(`no message within ${ms} ms`)), ms);
    const unsubscribe = observable.subscribe({
      next: (message) => {
        clearTimeout(timer);
        setImmediate(() => unsubscribe());
        resolve(message);
      },
      error: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}

const bn = (value) => BigInt(value.toString()); // SDK amounts are bn.js objects

// ---- set-up ----------------------------------------------------------------------------------------------------

const rpcUrl = env('IEXEC_SDK_RPC');
const hubAddress = env('IEXEC_SDK_HUB');

// Each role gets a Wallet on its own JsonRpcProvider, exactly what utils.getSignerFromPrivateKey builds, except
// for ethers' 250 ms response cache (cacheTimeout): anvil mines each transaction at once, so within 250 ms a
// cached `eth_getTransactionCount` gives the next transaction a used nonce ("nonce too low") and a cached
// `eth_call` a balance from before the last transaction. On a real chain blocks are seconds apart.
function sdkFor(privateKey, { fromUtils = false } = {}) {
  const signer = fromUtils
    ? utils.getSignerFromPrivateKey(rpcUrl, privateKey)
    : new Wallet(privateKey, new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 }));
  signer.provider.pollingInterval = 50; // the SDK waits for receipts by polling; the default is 1 s
  const iexec = new IExec(
    { ethProvider: signer },
    {
      hubAddress,
      smsURL: DEAD_URL,
      ipfsGatewayURL: DEAD_URL,
      ipfsNodeURL: DEAD_URL,
      iexecGatewayURL: DEAD_URL,
      compassURL: DEAD_URL,
      pocoSubgraphURL: DEAD_URL,
    },
  );
  return { iexec, signer, address: signer.address };
}

// The hub owner sends a single transaction: it can use the SDK's own helper, cache and all.
const hubOwner = sdkFor(env('IEXEC_SDK_KEY_HUB_OWNER'), { fromUtils: true });
const requester = sdkFor(env('IEXEC_SDK_KEY_REQUESTER'));
const appOwner = sdkFor(env('IEXEC_SDK_KEY_APP_OWNER'));
const scheduler = sdkFor(env('IEXEC_SDK_KEY_SCHEDULER'));
const worker = sdkFor(env('IEXEC_SDK_KEY_WORKER'));
const provider = requester.signer.provider;

const hubAs = (role) => new Contract(hubAddress, WORKER_ABI, role.signer);

async function chainTime() {
  return (await provider.getBlock('latest')).timestamp;
}

// ---- worker / scheduler messages (SPECIFICATION §3.4, §4.3) ----------------------------------------------------

const resultHash = (taskid, digest) => solidityPackedKeccak256(['bytes32', 'bytes32'], [taskid, digest]);
const resultSeal = (who, taskid, digest) =>
  solidityPackedKeccak256(['address', 'bytes32', 'bytes32'], [who, taskid, digest]);

// The scheduler authorises `worker` on `taskid` inside `enclave`: ethmsg(H(worker, taskid, enclave)).
function authorize(taskid, enclave) {
  const message = solidityPackedKeccak256(['address', 'bytes32', 'address'], [worker.address, taskid, enclave.address]);
  return scheduler.signer.signMessage(getBytes(message));
}

// The enclave binds the contribution: ethmsg(H(resultHash, resultSeal)).
function enclaveSign(enclave, taskid, digest) {
  const message = solidityPackedKeccak256(
    ['bytes32', 'bytes32'],
    [resultHash(taskid, digest), resultSeal(worker.address, taskid, digest)],
  );
  return enclave.signMessage(getBytes(message));
}

// A result as iexec-core stores it: UTF-8 JSON that the SDK's task.show decodes.
function resultsFor(label) {
  return hexlify(toUtf8Bytes(JSON.stringify({ storage: 'ipfs', location: `/ipfs/sdk-roundtrip-${label}` })));
}

// The SDK decides "timed out" on this machine's clock (Date.now in task.show / deal.show), the hub on
// block.timestamp. On a live chain the two agree; here the chain's clock is moved with evm_increaseTime, so
// Node's clock is made to follow it (the SDK itself is untouched). This also keeps the script right when earlier
// tests in the session left the chain's clock ahead of the machine's.
const machineNow = Date.now.bind(Date);
let clockOffsetMs = 0;
Date.now = () => machineNow() + clockOffsetMs;

async function followChainClock() {
  clockOffsetMs = Math.max(0, (await chainTime()) * 1000 - machineNow());
}

async function passDeadline(deadline) {
  const gap = deadline - (await chainTime());
  if (gap >= 0) await provider.send('evm_increaseTime', [gap + 1]);
  await provider.send('evm_mine', []);
  await followChainClock();
  return gap + 1;
}

// ---- the round trip --------------------------------------------------------------------------------------------

const roles = { requester, appOwner, scheduler, worker };
const expectedStake = {};

await step('network: the SDK reaches the hub and reads its token and registries', async () => {
  await followChainClock();
  const { chainId } = await requester.iexec.network.getNetwork();
  const contracts = await requester.iexec.config.resolveContractsClient();
  const token = await contracts.fetchTokenAddress();
  const registries = await Promise.all(
    ['app', 'dataset', 'workerpool'].map((kind) => contracts.fetchRegistryAddress(kind)),
  );
  check(registries.every((a) => /^0x[0-9a-fA-F]{40}$/.test(a) && !/^0x0{40}$/.test(a)), `registries ${registries}`);
  return `chain ${chainId}, token ${token}`;
});

await step('hub: categories 0-4, final deadline ratio', async () => {
  const count = bn(await requester.iexec.hub.countCategory());
  check(count >= 5n, `countCategory: expected >= 5, got ${count}`);
  for (const [catid, ref] of STANDARD_CATEGORY_REFS.entries()) {
    const category = await requester.iexec.hub.showCategory(catid);
    eq(bn(category.workClockTimeRef), ref, `category ${catid} workClockTimeRef`);
  }
  eq(bn(await requester.iexec.hub.getTimeoutRatio()), 10, 'final_deadline_ratio');
  return `${count} categories`;
});

let shortCategory;
await step('hub: owner creates a category (createCategory, CreateCategory event)', async () => {
  const before = bn(await hubOwner.iexec.hub.countCategory());
  const { catid } = await hubOwner.iexec.hub.createCategory({
    name: 'SDK-ROUNDTRIP',
    description: 'short category for the claim scenario',
    workClockTimeRef: SHORT_CATEGORY_REF,
  });
  shortCategory = bn(catid);
  eq(shortCategory, before, 'new catid');
  const shown = await requester.iexec.hub.showCategory(shortCategory);
  eq(shown.name, 'SDK-ROUNDTRIP', 'category name');
  eq(bn(shown.workClockTimeRef), SHORT_CATEGORY_REF, 'category workClockTimeRef');
  await expectRejection(
    requester.iexec.hub.createCategory({ name: 'x', description: 'x', workClockTimeRef: 1 }),
    /only category owner/,
    'createCategory by a non-owner',
  );
  return `catid ${shortCategory}`;
});

await step('wallet: getAddress, checkBalances, sendRLC (RLC transfer)', async () => {
  eq(await requester.iexec.wallet.getAddress(), requester.address, 'wallet address');
  const before = await Promise.all([requester, worker].map((r) => r.iexec.wallet.checkBalances(r.address)));
  check(bn(before[0].wei) > 0n, 'requester has no ETH for gas');
  await requester.iexec.wallet.sendRLC('25', worker.address);
  const after = await Promise.all([requester, worker].map((r) => r.iexec.wallet.checkBalances(r.address)));
  eq(bn(before[0].nRLC) - bn(after[0].nRLC), 25, 'sender RLC decrease');
  eq(bn(after[1].nRLC) - bn(before[1].nRLC), 25, 'receiver RLC increase');
  return `requester holds ${after[0].nRLC} nRLC`;
});

await step('account: each role deposits with approveAndCall; viewAccount shows it', async () => {
  for (const [name, role] of Object.entries(roles)) {
    const { nRLC } = await role.iexec.wallet.checkBalances(role.address);
    check(bn(nRLC) >= DEPOSIT, `${name} wallet holds ${nRLC} nRLC, needs ${DEPOSIT}`);
    const before = await role.iexec.account.checkBalance(role.address);
    const { amount } = await role.iexec.account.deposit(DEPOSIT.toString());
    eq(amount, DEPOSIT, `${name} deposited amount`);
    const after = await role.iexec.account.checkBalance(role.address);
    eq(bn(after.stake) - bn(before.stake), DEPOSIT, `${name} stake increase`);
    eq(bn(after.locked), bn(before.locked), `${name} locked`);
    const wallet = await role.iexec.wallet.checkBalances(role.address);
    eq(bn(nRLC) - bn(wallet.nRLC), DEPOSIT, `${name} wallet decrease`);
    expectedStake[name] = bn(after.stake);
  }
  return `${DEPOSIT} nRLC x ${Object.keys(roles).length} roles`;
});

await step('account: approve / checkAllowance / revokeApproval', async () => {
  await requester.iexec.account.approve('7', worker.address);
  eq(bn(await requester.iexec.account.checkAllowance(requester.address, worker.address)), 7, 'allowance');
  await requester.iexec.account.revokeApproval(worker.address);
  eq(bn(await requester.iexec.account.checkAllowance(requester.address, worker.address)), 0, 'allowance after revoke');
});

let app;
await step('app: deployApp + showApp + predict/check/count', async () => {
  const spec = {
    owner: appOwner.address,
    name: 'sdk-roundtrip-app',
    type: 'DOCKER',
    multiaddr: 'registry.hub.docker.com/iexechub/vanityeth:1.1.1',
    checksum: '0x00f51494d7a42d3c1c4e3e8a4e1a9b4c0c1e1b5d6e7f8091a2b3c4d5e6f70819',
  };
  const predicted = await appOwner.iexec.app.predictAppAddress(spec);
  const { address } = await appOwner.iexec.app.deployApp(spec);
  app = address;
  eq(app, predicted, 'app address (Transfer tokenId vs predictApp)');
  check(await requester.iexec.app.checkDeployedApp(app), 'checkDeployedApp is false');
  const { app: shown } = await requester.iexec.app.showApp(app);
  eq(shown.appName, spec.name, 'appName');
  eq(shown.appType, spec.type, 'appType');
  eq(shown.appMultiaddr, spec.multiaddr, 'appMultiaddr');
  eq(shown.appChecksum, spec.checksum, 'appChecksum');
  eq(shown.appMREnclave, '', 'appMREnclave');
  eq(shown.owner, appOwner.address, 'app owner');
  eq(bn(await requester.iexec.app.countUserApps(appOwner.address)), 1, 'countUserApps');
  const { objAddress } = await requester.iexec.app.showUserApp(0, appOwner.address);
  eq(objAddress, app, 'showUserApp(0)');
  await expectRejection(appOwner.iexec.app.deployApp(spec), /already deployed/, 'deploying the same app twice');
  return app;
});

let workerpool;
let workerpoolPolicy;
await step('workerpool: deployWorkerpool + showWorkerpool', async () => {
  const spec = { owner: scheduler.address, description: 'sdk-roundtrip-pool' };
  const predicted = await scheduler.iexec.workerpool.predictWorkerpoolAddress(spec);
  const { address } = await scheduler.iexec.workerpool.deployWorkerpool(spec);
  workerpool = address;
  eq(workerpool, predicted, 'workerpool address');
  const { workerpool: shown } = await requester.iexec.workerpool.showWorkerpool(workerpool);
  eq(shown.workerpoolDescription, spec.description, 'workerpoolDescription');
  eq(shown.owner, scheduler.address, 'workerpool owner');
  workerpoolPolicy = {
    workerStakeRatio: bn(shown.workerStakeRatioPolicy),
    schedulerRewardRatio: bn(shown.schedulerRewardRatioPolicy),
  };
  eq(workerpoolPolicy.workerStakeRatio, 30, 'default worker stake ratio');
  eq(workerpoolPolicy.schedulerRewardRatio, 1, 'default scheduler reward ratio');
  eq(bn(await requester.iexec.workerpool.countUserWorkerpools(scheduler.address)), 1, 'countUserWorkerpools');
  return workerpool;
});

let dataset;
await step('dataset: deployDataset + showDataset', async () => {
  const spec = {
    owner: appOwner.address,
    name: 'sdk-roundtrip-dataset',
    multiaddr: 'https://datasets.example/sdk-roundtrip.zip', // not /ipfs/: the SDK shows that as /p2p/
    checksum: '0x1111111111111111111111111111111111111111111111111111111111111111',
  };
  const { address } = await appOwner.iexec.dataset.deployDataset(spec);
  dataset = address;
  const { dataset: shown } = await requester.iexec.dataset.showDataset(dataset);
  eq(shown.datasetName, spec.name, 'datasetName');
  eq(shown.datasetMultiaddr, spec.multiaddr, 'datasetMultiaddr');
  eq(shown.datasetChecksum, spec.checksum, 'datasetChecksum');
  eq(shown.owner, appOwner.address, 'dataset owner');
  return dataset;
});

// ---- deal 1: two tasks completed (contribute/reveal/finalize, then contributeAndFinalize) ------------------

let apporder;
let workerpoolorder;
let requestorder;
await step('orders: sign apporder, workerpoolorder, requestorder (EIP-712 with the hub domain)', async () => {
  apporder = await appOwner.iexec.order.signApporder(
    await appOwner.iexec.order.createApporder({ app, appprice: APP_PRICE.toString(), volume: '10' }),
  );
  workerpoolorder = await scheduler.iexec.order.signWorkerpoolorder(
    await scheduler.iexec.order.createWorkerpoolorder({
      workerpool,
      workerpoolprice: WORKERPOOL_PRICE.toString(),
      category: 0,
      volume: '2',
    }),
  );
  requestorder = await requester.iexec.order.signRequestorder(
    await requester.iexec.order.createRequestorder({
      app,
      appmaxprice: APP_PRICE.toString(),
      workerpoolmaxprice: WORKERPOOL_PRICE.toString(),
      category: 0,
      volume: '2',
      params: { iexec_args: 'sdk roundtrip' },
    }),
  );
  eq(apporder.tag, TDX_TAG, 'apporder tag');
  eq(requestorder.tag, TDX_TAG, 'requestorder tag');
  for (const [name, order] of Object.entries({ apporder, workerpoolorder, requestorder })) {
    eq(getBytes(order.sign).length, 65, `${name} signature length`);
  }
  return `request hash ${await requester.iexec.order.hashRequestorder(requestorder)}`;
});

let deal1;
await step('match: order.matchOrders (volume 2, TEE|TDX tag)', async () => {
  const estimate = await requester.iexec.order.estimateMatchOrders({ apporder, workerpoolorder, requestorder });
  eq(bn(estimate.volume), 2, 'estimated volume');
  eq(bn(estimate.total), 2n * (APP_PRICE + WORKERPOOL_PRICE), 'estimated total');
  const { dealid, volume } = await requester.iexec.order.matchOrders({ apporder, workerpoolorder, requestorder });
  eq(bn(volume), 2, 'matched volume');
  const requestHash = await requester.iexec.order.hashRequestorder(requestorder);
  eq(dealid, solidityPackedKeccak256(['bytes32', 'uint256'], [requestHash, 0]), 'dealid = H(requestHash, 0)');
  deal1 = dealid;
  const locked = 2n * (APP_PRICE + WORKERPOOL_PRICE);
  const requesterAccount = await requester.iexec.account.checkBalance(requester.address);
  eq(bn(requesterAccount.stake), expectedStake.requester - locked, 'requester stake after match');
  eq(bn(requesterAccount.locked), locked, 'requester locked after match');
  const schedulerAccount = await scheduler.iexec.account.checkBalance(scheduler.address);
  eq(bn(schedulerAccount.locked), 2n * ((WORKERPOOL_PRICE * 30n) / 100n), 'scheduler locked after match');
  return dealid;
});

let deal1Tasks;
await step('deal: deal.show reads viewDeal (v5 tuple) and lists the task ids', async () => {
  const deal = await requester.iexec.deal.show(deal1);
  eq(deal.app.pointer, app, 'deal.app.pointer');
  eq(deal.app.owner, appOwner.address, 'deal.app.owner');
  eq(bn(deal.app.price), APP_PRICE, 'deal.app.price');
  eq(deal.dataset.pointer, utils.NULL_ADDRESS, 'deal.dataset.pointer');
  eq(deal.workerpool.pointer, workerpool, 'deal.workerpool.pointer');
  eq(deal.workerpool.owner, scheduler.address, 'deal.workerpool.owner');
  eq(bn(deal.workerpool.price), WORKERPOOL_PRICE, 'deal.workerpool.price');
  eq(bn(deal.trust), 1, 'deal.trust');
  eq(bn(deal.category), 0, 'deal.category');
  eq(deal.tag, TDX_TAG, 'deal.tag');
  eq(deal.requester, requester.address, 'deal.requester');
  eq(deal.beneficiary, requester.address, 'deal.beneficiary');
  eq(deal.callback, utils.NULL_ADDRESS, 'deal.callback');
  eq(JSON.parse(deal.params).iexec_args, 'sdk roundtrip', 'deal.params');
  eq(bn(deal.botFirst), 0, 'deal.botFirst');
  eq(bn(deal.botSize), 2, 'deal.botSize');
  eq(bn(deal.workerStake), (WORKERPOOL_PRICE * workerpoolPolicy.workerStakeRatio) / 100n, 'deal.workerStake');
  eq(bn(deal.schedulerRewardRatio), workerpoolPolicy.schedulerRewardRatio, 'deal.schedulerRewardRatio');
  eq(deal.sponsor, requester.address, 'deal.sponsor');
  eq(bn(deal.finalTime), bn(deal.startTime) + 10n * 300n, 'deal.finalTime');
  eq(deal.deadlineReached, false, 'deal.deadlineReached');
  eq(deal.tasks.length, 2, 'number of task ids');
  deal1Tasks = Object.values(deal.tasks);
  eq(deal1Tasks[1], await requester.iexec.deal.computeTaskId(deal1, 1), 'task id 1');
  const missing = await expectRejection(
    requester.iexec.deal.show(keccak256(toUtf8Bytes('no such deal'))),
    /No deal found/i,
    'deal.show of an unknown deal',
  );
  return `${deal1Tasks.length} tasks; unknown deal -> "${missing}"`;
});

await step('task: task.show of an uninitialized task says not found', async () => {
  const message = await expectRejection(
    requester.iexec.task.show(deal1Tasks[0]),
    /No task found/i,
    'task.show before initialize',
  );
  return message;
});

await step('worker: initialize + contribute (TEE) + reveal + finalize on task 0 (ethers)', async () => {
  const broker = await hubAs(worker).teebroker();
  check(/^0x0{40}$/.test(broker), `teebroker is set (${broker}); this script signs authorizations as the scheduler`);
  const taskid = deal1Tasks[0];
  await (await hubAs(worker).initialize(deal1, 0)).wait();
  const active = await requester.iexec.task.show(taskid);
  eq(active.status, 1, 'status after initialize');
  eq(active.statusName, 'ACTIVE', 'statusName after initialize');
  eq(active.dealid, deal1, 'task.dealid');
  eq(bn(active.idx), 0, 'task.idx');
  eq(bn(active.finalDeadline), bn(active.contributionDeadline) + 3n * 300n, 'finalDeadline - contributionDeadline');

  const enclave = Wallet.createRandom();
  const digest = keccak256(toUtf8Bytes('sdk-roundtrip result 0'));
  await (
    await hubAs(worker).contribute(
      taskid,
      resultHash(taskid, digest),
      resultSeal(worker.address, taskid, digest),
      enclave.address,
      await enclaveSign(enclave, taskid, digest),
      await authorize(taskid, enclave),
    )
  ).wait();
  const revealing = await requester.iexec.task.show(taskid);
  eq(revealing.statusName, 'REVEALING', 'statusName after contribute (trust 1 -> consensus)');
  eq(revealing.consensusValue, resultHash(taskid, digest), 'consensusValue');
  await (await hubAs(worker).reveal(taskid, digest)).wait();
  await (await hubAs(scheduler).finalize(taskid, resultsFor(0), '0x')).wait();
});

await step('task: task.show sees task 0 COMPLETED with its JSON result', async () => {
  const task = await requester.iexec.task.show(deal1Tasks[0]);
  eq(task.status, 3, 'status');
  eq(task.statusName, 'COMPLETED', 'statusName');
  eq(task.taskTimedOut, false, 'taskTimedOut');
  eq(task.results.storage, 'ipfs', 'results.storage');
  eq(task.results.location, '/ipfs/sdk-roundtrip-0', 'results.location');
  eq(task.resultDigest, keccak256(toUtf8Bytes('sdk-roundtrip result 0')), 'resultDigest');
  eq(bn(task.revealCounter), 1, 'revealCounter');
  eq(bn(task.winnerCounter), 1, 'winnerCounter');
  check(task.contributors.length === 1 && task.contributors[0] === worker.address, `contributors ${task.contributors}`);
  return task.statusName;
});

await step('worker: initialize + contributeAndFinalize (TEE, trust 1) on task 1 (ethers)', async () => {
  const taskid = deal1Tasks[1];
  await (await hubAs(requester).initialize(deal1, 1)).wait(); // anyone may initialize
  const enclave = Wallet.createRandom();
  const digest = keccak256(toUtf8Bytes('sdk-roundtrip result 1'));
  await (
    await hubAs(worker).contributeAndFinalize(
      taskid,
      digest,
      resultsFor(1),
      '0x',
      enclave.address,
      await enclaveSign(enclave, taskid, digest),
      await authorize(taskid, enclave),
    )
  ).wait();
  const task = await requester.iexec.task.show(taskid);
  eq(task.statusName, 'COMPLETED', 'statusName');
  eq(task.results.location, '/ipfs/sdk-roundtrip-1', 'results.location');
  return task.statusName;
});

await step('observe: obsTask and obsDeal report deal 1 completed', async () => {
  const taskMessage = await firstMessage(await requester.iexec.task.obsTask(deal1Tasks[0], { dealid: deal1 }));
  eq(taskMessage.message, 'TASK_COMPLETED', 'obsTask message');
  const dealMessage = await firstMessage(await requester.iexec.deal.obsDeal(deal1));
  eq(dealMessage.message, 'DEAL_COMPLETED', 'obsDeal message');
  eq(dealMessage.completedTasksCount, 2, 'completedTasksCount');
  return `${taskMessage.message}, ${dealMessage.message}`;
});

await step('account: rewards after deal 1 match the protocol (exact nRLC)', async () => {
  const cost = APP_PRICE + WORKERPOOL_PRICE;
  const workersShare = (WORKERPOOL_PRICE * (100n - workerpoolPolicy.schedulerRewardRatio)) / 100n;
  expectedStake.requester -= 2n * cost;
  expectedStake.appOwner += 2n * APP_PRICE;
  expectedStake.worker += 2n * workersShare;
  expectedStake.scheduler += 2n * (WORKERPOOL_PRICE - workersShare);
  for (const [name, role] of Object.entries(roles)) {
    const { stake, locked } = await role.iexec.account.checkBalance(role.address);
    eq(bn(stake), expectedStake[name], `${name} stake`);
    eq(bn(locked), 0, `${name} locked`);
  }
  const deal = await requester.iexec.deal.show(deal1);
  eq(deal.deadlineReached, false, 'deal 1 deadline');
  return Object.entries(expectedStake)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
});

// ---- deal 2: claims after the final deadline ------------------------------------------------------------------

let deal2;
let deal2Tasks;
let deal3;
let deal3Task;
let lastWorkerpoolorder;
let shortWorkerpoolorder;
let shortRequestorder;
let datasetorder;
await step('match: a second deal (volume 3, with the dataset) in the short category', async () => {
  // The SDK's preflight for a TEE dataset asks the SMS for the dataset key: sign and match without it (no SMS).
  datasetorder = await appOwner.iexec.order.signDatasetorder(
    await appOwner.iexec.order.createDatasetorder({ dataset, datasetprice: DATASET_PRICE.toString(), volume: '5' }),
    { preflightCheck: false },
  );
  shortWorkerpoolorder = await scheduler.iexec.order.signWorkerpoolorder(
    await scheduler.iexec.order.createWorkerpoolorder({
      workerpool,
      workerpoolprice: WORKERPOOL_PRICE.toString(),
      category: shortCategory.toString(),
      volume: '3',
    }),
  );
  shortRequestorder = await requester.iexec.order.signRequestorder(
    await requester.iexec.order.createRequestorder({
      app,
      appmaxprice: APP_PRICE.toString(),
      dataset,
      datasetmaxprice: DATASET_PRICE.toString(),
      workerpoolmaxprice: WORKERPOOL_PRICE.toString(),
      category: shortCategory.toString(),
      volume: '4', // deal 2 takes 3 tasks, deal 3 the last one
    }),
    { preflightCheck: false },
  );
  const { dealid, volume } = await requester.iexec.order.matchOrders(
    { apporder, datasetorder, workerpoolorder: shortWorkerpoolorder, requestorder: shortRequestorder },
    { preflightCheck: false },
  );
  eq(bn(volume), 3, 'matched volume');
  deal2 = dealid;
  const deal = await requester.iexec.deal.show(deal2);
  eq(bn(deal.category), shortCategory, 'deal.category');
  eq(deal.dataset.pointer, dataset, 'deal.dataset.pointer');
  eq(deal.dataset.owner, appOwner.address, 'deal.dataset.owner');
  eq(bn(deal.dataset.price), DATASET_PRICE, 'deal.dataset.price');
  eq(bn(deal.finalTime), bn(deal.startTime) + 10n * BigInt(SHORT_CATEGORY_REF), 'deal.finalTime');
  const { locked } = await requester.iexec.account.checkBalance(requester.address);
  eq(bn(locked), 3n * (APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE), 'requester locked');
  deal2Tasks = deal.tasks;
  // tasks 0 and 1 get initialized (claim / claimArray); task 2 stays UNSET (initializeAndClaimArray)
  await (await hubAs(requester).initialize(deal2, 0)).wait();
  await (await hubAs(requester).initialize(deal2, 1)).wait();
  return dealid;
});

await step('match: the last task of the request order, cut from the same orders (deal 3, botFirst 3)', async () => {
  lastWorkerpoolorder = await scheduler.iexec.order.signWorkerpoolorder(
    await scheduler.iexec.order.createWorkerpoolorder({
      workerpool,
      workerpoolprice: WORKERPOOL_PRICE.toString(),
      category: shortCategory.toString(),
      volume: '2',
    }),
  );
  const { dealid, volume } = await requester.iexec.order.matchOrders(
    { apporder, datasetorder, workerpoolorder: lastWorkerpoolorder, requestorder: shortRequestorder },
    { preflightCheck: false },
  );
  eq(bn(volume), 1, 'matched volume (request order remainder)');
  const requestHash = await requester.iexec.order.hashRequestorder(shortRequestorder);
  eq(dealid, solidityPackedKeccak256(['bytes32', 'uint256'], [requestHash, 3]), 'dealid = H(requestHash, 3)');
  deal3 = dealid;
  const deal = await requester.iexec.deal.show(deal3);
  eq(bn(deal.botFirst), 3, 'deal.botFirst');
  eq(bn(deal.botSize), 1, 'deal.botSize');
  [deal3Task] = deal.tasks;
  eq(deal3Task, await requester.iexec.deal.computeTaskId(deal3, 3), 'task id uses the absolute index');
  const { locked } = await requester.iexec.account.checkBalance(requester.address);
  eq(bn(locked), 4n * (APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE), 'requester locked');
  return dealid;
});

await step('claim: task.claim before the deadline is refused by the SDK', async () => {
  const task = await requester.iexec.task.show(deal2Tasks[0]);
  eq(task.statusName, 'ACTIVE', 'statusName');
  return expectRejection(requester.iexec.task.claim(deal2Tasks[0]), /before reaching/, 'early task.claim');
});

// ---- cancellation (manage*Order with operation CLOSE) and withdrawal, while deal 2 runs down -----------------

await step('cancel: apporder, workerpoolorder, requestorder, datasetorder (Closed*Order events)', async () => {
  const spareRequest = await requester.iexec.order.signRequestorder(
    await requester.iexec.order.createRequestorder({
      app,
      appmaxprice: APP_PRICE.toString(),
      workerpoolmaxprice: WORKERPOOL_PRICE.toString(),
      category: shortCategory.toString(),
      volume: '1',
    }),
  );
  await appOwner.iexec.order.cancelApporder(apporder);
  await scheduler.iexec.order.cancelWorkerpoolorder(lastWorkerpoolorder);
  await requester.iexec.order.cancelRequestorder(spareRequest);
  await appOwner.iexec.order.cancelDatasetorder(datasetorder);
  await expectRejection(appOwner.iexec.order.cancelApporder(apporder), /already canceled/, 'second cancel');
  await expectRejection(
    requester.iexec.order.matchOrders({ apporder, workerpoolorder: lastWorkerpoolorder, requestorder: spareRequest }),
    /fully consumed/,
    'matching cancelled orders',
  );
  return 'all four closed';
});

await step('account: withdraw (app owner takes out its earnings)', async () => {
  const before = await appOwner.iexec.wallet.checkBalances(appOwner.address);
  const amount = 2n * APP_PRICE;
  await appOwner.iexec.account.withdraw(amount.toString());
  const after = await appOwner.iexec.wallet.checkBalances(appOwner.address);
  eq(bn(after.nRLC) - bn(before.nRLC), amount, 'wallet increase');
  expectedStake.appOwner -= amount;
  const { stake } = await appOwner.iexec.account.checkBalance(appOwner.address);
  eq(bn(stake), expectedStake.appOwner, 'stake after withdraw');
  await expectRejection(
    appOwner.iexec.account.withdraw((expectedStake.appOwner + 1n).toString()),
    /exceed account balance/,
    'withdrawing more than the stake',
  );
  return `${amount} nRLC`;
});

await step('time: pass deal 2 final deadline (evm_increaseTime + evm_mine)', async () => {
  const task = await requester.iexec.task.show(deal2Tasks[0]);
  const { finalTime } = await requester.iexec.deal.show(deal3); // matched a little later than deal 2
  const deadline = Math.max(Number(task.finalDeadline), Number(finalTime));
  const skipped = await passDeadline(deadline);
  check((await chainTime()) > deadline, 'chain time did not pass the final deadlines');
  eq((await requester.iexec.deal.show(deal3)).deadlineReached, true, 'deal 3 deadlineReached');
  return `chain clock moved ${skipped} s`;
});

await step('claim: task.claim on task 0 -> FAILED (TaskClaimed)', async () => {
  const timedOut = await requester.iexec.task.show(deal2Tasks[0]);
  eq(timedOut.statusName, 'TIMEOUT', 'statusName past the deadline');
  await requester.iexec.task.claim(deal2Tasks[0]);
  const task = await requester.iexec.task.show(deal2Tasks[0]);
  eq(task.status, 4, 'status');
  eq(task.statusName, 'FAILED', 'statusName');
  await expectRejection(requester.iexec.task.claim(deal2Tasks[0]), /having status FAILED/, 'claiming twice');
  return task.statusName;
});

await step('claim: deal.claim on the rest (claimArray + initializeAndClaimArray)', async () => {
  const { transactions, claimed } = await requester.iexec.deal.claim(deal2);
  const kinds = transactions.map((t) => t.type).sort();
  eq(kinds.join(','), 'claimArray,initializeAndClaimArray', 'claim transactions');
  eq(Object.keys(claimed).sort().join(','), '1,2', 'claimed task indexes');
  for (const taskid of deal2Tasks) {
    eq((await requester.iexec.task.show(taskid)).statusName, 'FAILED', `task ${taskid} status`);
  }
  return `${transactions.length} transactions`;
});

// SDK 9.0.1 limitation, not a hub deviation: deal.claim sends each unset task's position in the deal (0, 1, ...)
// to initializeAndClaimArray, where PoCo expects the absolute index (botFirst + position, as initialize does on
// the original PoCo too). For a deal with botFirst > 0 the hub rejects that index; the claim then goes through
// with the absolute index.
await step('claim: deal.claim on deal 3 (botFirst 3) fails in the SDK; absolute index claims it', async () => {
  const message = await expectRejection(requester.iexec.deal.claim(deal3), /revert/i, 'deal.claim with botFirst 3');
  // ethers shows an error it has no ABI for as "custom error 0x<selector>: <arguments>"
  const [, selector, args] = message.match(/custom error (0x[0-9a-f]{8}): ([0-9a-f]*)/) ?? [];
  eq(selector, id('TaskIndexOutOfDeal(bytes32,uint256,uint256,uint256)').slice(0, 10), 'revert reason');
  const [dealid, idx, botFirst] = AbiCoder.defaultAbiCoder().decode(['bytes32', 'uint256', 'uint256'], `0x${args}`);
  eq(`${dealid}/${idx}/${botFirst}`, `${deal3}/0/3`, 'TaskIndexOutOfDeal(dealid, idx, botFirst)');
  eq((await requester.iexec.task.show(deal3Task).catch(() => ({ status: 0 }))).status, 0, 'task still unset');
  await (await hubAs(requester).initializeAndClaimArray([deal3], [3])).wait();
  eq((await requester.iexec.task.show(deal3Task)).statusName, 'FAILED', 'statusName');
  return 'the SDK sent idx 0: TaskIndexOutOfDeal; claimed with idx 3';
});

await step('account: deals 2 and 3 refunded the requester and seized the scheduler stake', async () => {
  expectedStake.scheduler -= 4n * ((WORKERPOOL_PRICE * 30n) / 100n); // deals 2 and 3
  for (const [name, role] of Object.entries(roles)) {
    const { stake, locked } = await role.iexec.account.checkBalance(role.address);
    eq(bn(stake), expectedStake[name], `${name} stake`);
    eq(bn(locked), 0, `${name} locked`);
  }
  return `requester ${expectedStake.requester}, scheduler ${expectedStake.scheduler}`;
});

await step('dataset: transferDataset (ERC-721 safeTransferFrom); owner() follows the NFT', async () => {
  await appOwner.iexec.dataset.transferDataset(dataset, requester.address);
  const { dataset: shown } = await requester.iexec.dataset.showDataset(dataset);
  eq(shown.owner, requester.address, 'dataset owner after transfer');
  eq(bn(await requester.iexec.dataset.countUserDatasets(requester.address)), 1, 'countUserDatasets');
});

await step('account: everyone withdraws the rest', async () => {
  for (const [name, role] of Object.entries(roles)) {
    const before = await role.iexec.wallet.checkBalances(role.address);
    await role.iexec.account.withdraw(expectedStake[name].toString());
    const after = await role.iexec.wallet.checkBalances(role.address);
    eq(bn(after.nRLC) - bn(before.nRLC), expectedStake[name], `${name} wallet increase`);
    eq(bn((await role.iexec.account.checkBalance(role.address)).stake), 0, `${name} stake`);
  }
});

console.log(`SDK round trip passed: ${stepCount} steps against hub ${hubAddress}`);
process.exit(0);
