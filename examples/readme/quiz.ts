import { ChoseongIndex } from 'serverless-game-kit/hangul';
import { gameClientConfig, gameStackConfig, startLocalStack } from 'serverless-game-kit/local';
import { QuizRoom } from 'serverless-game-kit/quiz';
import { DEFAULT_WORD_PACK } from 'serverless-game-kit/quiz/lambda';

const stack = await startLocalStack({ ...gameStackConfig(), log: () => {} });
const { websocket } = gameClientConfig(stack);
const [minji, jun] = await Promise.all(
  ['민지', '준'].map((name) => QuizRoom.join({ url: websocket, room: 'lobby', name })),
);
jun!.onCorrect((hit) => console.log(`${hit.name} answered ${hit.word} (+${hit.points})`));
const answer = ChoseongIndex.from(DEFAULT_WORD_PACK).lookup(minji!.state.pattern)[0]!; // ㅅㄹ → 사람, 사랑, …
await minji!.say(answer);
await new Promise((resolve) => jun!.onState(resolve)); // the next round's pattern
console.log(`Next pattern: ${jun!.state.pattern}`);
await Promise.all([minji!.leave(), jun!.leave()]);
await stack.stop();
