import { ChoseongIndex, getChoseong, matchesChoseong } from 'serverless-game-kit/hangul';

console.log(getChoseong('강아지')); // ㄱㅇㅈ
console.log(getChoseong('까치 123')); // 'ㄲㅊ ' — spaces kept, other characters dropped by default
console.log(matchesChoseong('강아지', 'ㄱ아ㅈ')); // true: patterns may mix choseong and syllables
const index = ChoseongIndex.from(['사람', '사랑', '서랍', '강아지']);
console.log(index.lookup('ㅅㄹ')); // ['사람', '사랑', '서랍']
console.log(index.patterns({ minWords: 2 })); // [{ pattern: 'ㅅㄹ', count: 3 }]
