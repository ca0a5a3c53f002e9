<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Sillok</name>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Send the question (Enter); Shift+Enter for a new line</source>
        <translation>질문 보내기 (Enter), 줄바꿈은 Shift+Enter</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>답변 중지 (Esc)</translation>
    </message>
    <message>
        <source>Ask a question about your documents…</source>
        <translation>문서에 대해 질문하세요…</translation>
    </message>
    <message>
        <source>p.</source>
        <translation>쪽</translation>
    </message>
    <message>
        <source>(stopped)</source>
        <translation>(중지됨)</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>색인됨</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>갱신됨</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>about {0}:{1:02d} left</source>
        <translation>약 {0}:{1:02d} 남음</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>읽는 중</translation>
    </message>
    <message>
        <source>Preparing the index</source>
        <translation>색인 준비 중</translation>
    </message>
    <message>
        <source>Adding documents failed</source>
        <translation>문서 추가 실패</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>already indexed</source>
        <translation>이미 색인됨</translation>
    </message>
    <message>
        <source>needs OCR</source>
        <translation>OCR 필요</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Preparing {0} item(s)…</source>
        <translation>{0}개 항목 준비 중…</translation>
    </message>
    <message>
        <source>{0} files in {1:.1f} s</source>
        <translation>파일 {0}개, {1:.1f}초</translation>
    </message>
    <message>
        <source>{0} pages, {1} passages</source>
        <translation>{0}쪽, 구절 {1}개</translation>
    </message>
    <message>
        <source>Adding documents to “{0}”…</source>
        <translation>“{0}”에 문서 추가 중…</translation>
    </message>
    <message>
        <source>{0}: {1} added, {2} failed</source>
        <translation>{0}: {1}개 추가, {2}개 실패</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>“default” is the bundled model; or a sentence-transformers folder</source>
        <translation>“default”는 기본 내장 모델입니다. sentence-transformers 폴더를 지정할 수도 있습니다</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>폴더…</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>언어 모델</translation>
    </message>
    <message>
        <source>Recommended models</source>
        <translation>추천 모델</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 레이어</translation>
    </message>
    <message>
        <source>Context size (tokens)</source>
        <translation>컨텍스트 크기 (토큰)</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>임베딩 모델</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>데이터 폴더</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Changes to models or the data folder apply to the next question.</source>
        <translation>모델이나 데이터 폴더 변경은 다음 질문부터 적용됩니다.</translation>
    </message>
    <message>
        <source>Default (bundled)</source>
        <translation>기본 (내장)</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>GGUF 모델 추가</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>폴더 선택</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>수동</translation>
    </message>
    <message>
        <source>Not a usable model</source>
        <translation>사용할 수 없는 모델</translation>
    </message>
    <message>
        <source>unusable</source>
        <translation>사용 불가</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>컬렉션</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>문서</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>New</source>
        <translation>새로 만들기</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 변경</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>새 대화 시작</translation>
    </message>
    <message>
        <source>Filter documents (Ctrl+F)</source>
        <translation>문서 필터 (Ctrl+F)</translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>새 컬렉션</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <source>Rename collection</source>
        <translation>컬렉션 이름 변경</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>새 이름:</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>다시 색인</translation>
    </message>
    <message>
        <source>Remove from collection</source>
        <translation>컬렉션에서 제거</translation>
    </message>
    <message>
        <source>Open in system viewer</source>
        <translation>기본 프로그램으로 열기</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>대화 삭제</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>쪽수</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>구절</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>추가일</translation>
    </message>
    <message>
        <source>Delete collection</source>
        <translation>컬렉션 삭제</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(제목 없음)</translation>
    </message>
    <message>
        <source>{0} documents, {1} passages</source>
        <translation>문서 {0}개, 구절 {1}개</translation>
    </message>
    <message>
        <source>Delete the collection “{0}” and its index? Your files are not touched.</source>
        <translation>“{0}” 컬렉션과 색인을 삭제할까요? 원본 파일은 그대로 남습니다.</translation>
    </message>
    <message>
        <source>Click a citation such as [1] in an answer to see the passage here.</source>
        <translation>답변의 [1] 같은 인용을 누르면 해당 구절이 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>출처 문서</translation>
    </message>
    <message>
        <source>Cannot open {0}</source>
        <translation>{0}을(를) 열 수 없습니다</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>문서 추가</translation>
    </message>
    <message>
        <source>Add folder</source>
        <translation>폴더 추가</translation>
    </message>
    <message>
        <source>Add documents…</source>
        <translation>문서 추가…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>Copy answer</source>
        <translation>답변 복사</translation>
    </message>
    <message>
        <source>Export answer…</source>
        <translation>답변 내보내기…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>글자 크게</translation>
    </message>
    <message>
        <source>Smaller text</source>
        <translation>글자 작게</translation>
    </message>
    <message>
        <source>About Sillok</source>
        <translation>실록 정보</translation>
    </message>
    <message>
        <source>Drop documents (PDF, Word, HWP, text…) anywhere on this window, or use File → Add documents… (Ctrl+O). Then ask a question below: answers cite the passages they come from, and everything stays on this computer.</source>
        <translation>문서(PDF, Word, 한글, 텍스트 등)를 이 창 아무 곳에나 끌어다 놓거나 파일 → 문서 추가…(Ctrl+O)를 사용하세요. 그런 다음 아래에 질문하면 답변이 근거가 된 구절을 인용합니다. 모든 내용은 이 컴퓨터 안에만 머뭅니다.</translation>
    </message>
    <message>
        <source>Answer copied</source>
        <translation>답변을 복사했습니다</translation>
    </message>
    <message>
        <source>Export answer</source>
        <translation>답변 내보내기</translation>
    </message>
    <message>
        <source>Answers from your own documents, offline.</source>
        <translation>내 문서에서 찾는 답, 오프라인으로.</translation>
    </message>
    <message>
        <source>Ask a question about the {0} documents in “{1}”.</source>
        <translation>“{1}”의 문서 {0}개에 대해 질문하세요.</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>불러오지 않음</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>컨텍스트</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>임베딩</translation>
    </message>
    <message>
        <source>Welcome to Sillok</source>
        <translation>실록에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>Answering…</source>
        <translation>답변 작성 중…</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>Loading the language model…</source>
        <translation>언어 모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>Office server</source>
        <translation>사무실 서버</translation>
    </message>
    <message>
        <source>Office server: {0}</source>
        <translation>사무실 서버: {0}</translation>
    </message>
    <message>
        <source>Index server</source>
        <translation>색인 서버</translation>
    </message>
    <message>
        <source>Model server</source>
        <translation>모델 서버</translation>
    </message>
    <message>
        <source>Embedding server</source>
        <translation>임베딩 서버</translation>
    </message>
    <message>
        <source>Where documents and questions go</source>
        <translation>문서와 질문을 처리할 곳</translation>
    </message>
    <message>
        <source>optional: embeddings on this computer</source>
        <translation>선택 사항: 비워 두면 이 컴퓨터에서 임베딩</translation>
    </message>
    <message>
        <source>token stored</source>
        <translation>토큰 저장됨</translation>
    </message>
    <message>
        <source>token from environment</source>
        <translation>환경 변수의 토큰</translation>
    </message>
    <message>
        <source>token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Tokens are kept in the OS keyring, never in the settings file. Leave a token empty to keep the one stored.</source>
        <translation>토큰은 설정 파일이 아니라 운영체제 키링에 보관됩니다. 저장된 토큰을 그대로 쓰려면 비워 두세요.</translation>
    </message>
    <message>
        <source>{0} is not a server address; use e.g. https://sillok.office.lan:8444</source>
        <translation>{0}은(는) 서버 주소가 아닙니다. 예: https://sillok.office.lan:8444</translation>
    </message>
    <message>
        <source>Enter the address of the index server or the model server, or choose This computer.</source>
        <translation>색인 서버나 모델 서버의 주소를 입력하거나 ‘이 컴퓨터’를 선택하세요.</translation>
    </message>
    <message>
        <source>Enter the name of the embedding server's model (it keeps the vectors of different models apart).</source>
        <translation>임베딩 서버의 모델 이름을 입력하세요(서로 다른 모델의 벡터가 섞이지 않게 합니다).</translation>
    </message>
    <message>
        <source>Enter the server address that the token belongs to.</source>
        <translation>토큰을 쓸 서버의 주소를 입력하세요.</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>다운로드 취소</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>Download a model</source>
        <translation>모델 다운로드</translation>
    </message>
    <message>
        <source>Download cancelled; pressing Download again resumes it.</source>
        <translation>다운로드를 취소했습니다. 다운로드를 다시 누르면 이어서 받습니다.</translation>
    </message>
    <message>
        <source>Downloaded and checked: {0}</source>
        <translation>다운로드하고 검사했습니다: {0}</translation>
    </message>
    <message>
        <source>Downloading {0}…</source>
        <translation>{0} 다운로드 중…</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>다운로드…</translation>
    </message>
    <message>
        <source>Fetch a recommended model from the Hugging Face hub (needs internet)</source>
        <translation>추천 모델을 Hugging Face 허브에서 받습니다 (인터넷 필요)</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>License</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Sillok connects to the internet only for the download you start here. Files go to {0}.</source>
        <translation>실록은 여기서 시작한 다운로드에만 인터넷에 연결합니다. 파일은 {0}에 저장됩니다.</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>{0} MB received</source>
        <translation>{0} MB 받음</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>대화 내보내기</translation>
    </message>
    <message>
        <source>Export conversation…</source>
        <translation>대화 내보내기…</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} 저장됨</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Word memo (*.docx)</source>
        <translation>Word 메모 (*.docx)</translation>
    </message>
    <message>
        <source>p. {0}</source>
        <translation>{0}쪽</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>가림 해제</translation>
    </message>
    <message>
        <source>Show this document with its identifiers in full, in this view only (written to the audit log)</source>
        <translation>이 화면에서만 개인 식별 정보를 가리지 않고 표시합니다 (감사 기록에 남음)</translation>
    </message>
    <message>
        <source>Shown in full for this view only; the reveal was written to the audit log.</source>
        <translation>이 화면에서만 전체를 표시합니다. 가림 해제는 감사 기록에 남았습니다.</translation>
    </message>
    <message>
        <source>Identifiers in this document are masked.</source>
        <translation>이 문서의 개인 식별 정보는 가려져 있습니다.</translation>
    </message>
    <message>
        <source>This PDF holds personal identifiers, so it is shown as masked text.</source>
        <translation>이 PDF에는 개인 식별 정보가 있어 가린 텍스트로 표시합니다.</translation>
    </message>
    <message>
        <source>Passages</source>
        <translation>구절</translation>
    </message>
    <message>
        <source>Download the recommended model…</source>
        <translation>추천 모델 내려받기…</translation>
    </message>
    <message>
        <source>Add a model file (.gguf)…</source>
        <translation>모델 파일(.gguf) 추가…</translation>
    </message>
    <message>
        <source>Start with the small model</source>
        <translation>작은 모델로 시작</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>This computer: {0} memory, {1}.</source>
        <translation>이 컴퓨터: 메모리 {0}, {1}.</translation>
    </message>
    <message>
        <source>graphics card usable</source>
        <translation>그래픽 카드 사용 가능</translation>
    </message>
    <message>
        <source>no usable graphics card (answers on the CPU)</source>
        <translation>사용할 수 있는 그래픽 카드 없음 (CPU로 답변)</translation>
    </message>
    <message>
        <source>Recommended for you</source>
        <translation>추천 모델</translation>
    </message>
    <message>
        <source>The model that comes with Sillok is small.</source>
        <translation>실록에 들어 있는 모델은 작은 모델입니다.</translation>
    </message>
    <message>
        <source>{0} has 135 million parameters and reads and writes English only. It shows how Sillok works, but its answers are weak, and it cannot answer Korean documents in Korean.</source>
        <translation>{0}은(는) 매개변수 1억 3,500만 개의 모델로 영어만 읽고 씁니다. 실록이 어떻게 동작하는지 보여 줄 수는 있지만 답변의 질이 낮고, 한국어 문서에 한국어로 답하지 못합니다.</translation>
    </message>
    <message>
        <source>too large for this computer</source>
        <translation>이 컴퓨터에는 너무 큼</translation>
    </message>
    <message>
        <source>non-commercial licence: check that your office may use it</source>
        <translation>비상업용 라이선스: 사무실에서 사용해도 되는지 확인하세요</translation>
    </message>
    <message>
        <source>No internet on this computer?</source>
        <translation>이 컴퓨터에 인터넷이 없나요?</translation>
    </message>
    <message>
        <source>Ask IT to copy a model file such as {0} to this computer (a USB stick or a shared folder), then choose “Add a model file”. Files placed in {1} are found by themselves.</source>
        <translation>전산 담당자에게 {0} 같은 모델 파일을 이 컴퓨터로 복사해 달라고 하세요(USB 메모리나 공유 폴더). 그런 다음 “모델 파일 추가”를 누르세요. {1} 폴더에 넣은 파일은 자동으로 찾습니다.</translation>
    </message>
    <message>
        <source>{0} passage</source>
        <translation>구절 {0}개</translation>
    </message>
    <message>
        <source>{0} passages</source>
        <translation>구절 {0}개</translation>
    </message>
    <message>
        <source>{0} page</source>
        <translation>{0}쪽</translation>
    </message>
    <message>
        <source>{0} pages</source>
        <translation>{0}쪽</translation>
    </message>
    <message>
        <source>removed: no longer in the folder</source>
        <translation>삭제됨: 폴더에 더 이상 없음</translation>
    </message>
    <message>
        <source>Preparing {0} item…</source>
        <translation>항목 {0}개 준비 중…</translation>
    </message>
    <message>
        <source>Preparing {0} items…</source>
        <translation>항목 {0}개 준비 중…</translation>
    </message>
    <message>
        <source>{0} file</source>
        <translation>파일 {0}개</translation>
    </message>
    <message>
        <source>{0} files</source>
        <translation>파일 {0}개</translation>
    </message>
    <message>
        <source>in {0:.1f} s</source>
        <translation>({0:.1f}초)</translation>
    </message>
    <message>
        <source>Updating “{0}” from its folders…</source>
        <translation>“{0}”을(를) 폴더에 맞춰 갱신하는 중…</translation>
    </message>
    <message>
        <source>{0} — not connected; its documents are kept</source>
        <translation>{0} — 연결되어 있지 않음. 문서는 그대로 둡니다</translation>
    </message>
    <message>
        <source>{0} removed</source>
        <translation>{0}개 삭제</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <source>Not downloaded: the licence was not accepted.</source>
        <translation>내려받지 않았습니다: 라이선스에 동의하지 않았습니다.</translation>
    </message>
    <message>
        <source>{0} is published under “{1}”: use for commercial purposes is not allowed. A law or medical office must check that its use is permitted before using it.

Download it anyway?</source>
        <translation>{0}은(는) “{1}” 라이선스로 배포됩니다. 상업적 목적의 사용은 허용되지 않습니다. 법률·의료 사무실은 사용하기 전에 사용이 허용되는지 확인해야 합니다.

그래도 내려받을까요?</translation>
    </message>
    <message>
        <source>scanned pages without a text layer: needs OCR</source>
        <translation>텍스트 층이 없는 스캔 페이지: OCR이 필요합니다</translation>
    </message>
    <message>
        <source>no text layer on any page: needs OCR</source>
        <translation>어느 페이지에도 텍스트 층이 없음: OCR이 필요합니다</translation>
    </message>
    <message>
        <source>only images, no text: needs OCR</source>
        <translation>이미지뿐이고 텍스트가 없음: OCR이 필요합니다</translation>
    </message>
    <message>
        <source>no text layer (scanned or image-only): needs OCR</source>
        <translation>텍스트 층 없음(스캔 또는 이미지뿐): OCR이 필요합니다</translation>
    </message>
    <message>
        <source>no text found</source>
        <translation>텍스트를 찾지 못함</translation>
    </message>
    <message>
        <source>empty file</source>
        <translation>빈 파일</translation>
    </message>
    <message>
        <source>file not found</source>
        <translation>파일을 찾을 수 없음</translation>
    </message>
    <message>
        <source>no such file or folder</source>
        <translation>그런 파일이나 폴더가 없음</translation>
    </message>
    <message>
        <source>no longer in the folder</source>
        <translation>폴더에 더 이상 없음</translation>
    </message>
    <message>
        <source>cannot read the file ({0})</source>
        <translation>파일을 읽을 수 없음 ({0})</translation>
    </message>
    <message>
        <source>too large ({0} MB; the limit is {1} MB)</source>
        <translation>너무 큼 ({0} MB, 한도는 {1} MB)</translation>
    </message>
    <message>
        <source>unsupported file type ({0})</source>
        <translation>지원하지 않는 파일 형식 ({0})</translation>
    </message>
    <message>
        <source>unreadable file ({0})</source>
        <translation>읽을 수 없는 파일 ({0})</translation>
    </message>
    <message>
        <source>unexpected error while reading ({0})</source>
        <translation>읽는 중 예상치 못한 오류 ({0})</translation>
    </message>
    <message>
        <source>not enough memory to read this file</source>
        <translation>이 파일을 읽기에 메모리가 부족함</translation>
    </message>
    <message>
        <source>document too deeply nested to read</source>
        <translation>문서 구조가 너무 깊어 읽을 수 없음</translation>
    </message>
    <message>
        <source>cannot detect the text encoding</source>
        <translation>텍스트 인코딩을 알아낼 수 없음</translation>
    </message>
    <message>
        <source>damaged or unreadable PDF ({0})</source>
        <translation>손상되었거나 읽을 수 없는 PDF ({0})</translation>
    </message>
    <message>
        <source>damaged PDF (page tree unreadable: {0})</source>
        <translation>손상된 PDF (페이지 구조를 읽을 수 없음: {0})</translation>
    </message>
    <message>
        <source>damaged PDF (no page could be read)</source>
        <translation>손상된 PDF (읽을 수 있는 페이지가 없음)</translation>
    </message>
    <message>
        <source>PDF has no pages</source>
        <translation>페이지가 없는 PDF</translation>
    </message>
    <message>
        <source>encrypted PDF (cannot decrypt)</source>
        <translation>암호화된 PDF (해독할 수 없음)</translation>
    </message>
    <message>
        <source>password-protected PDF</source>
        <translation>암호로 보호된 PDF</translation>
    </message>
    <message>
        <source>not a valid Word file ({0})</source>
        <translation>올바른 Word 파일이 아님 ({0})</translation>
    </message>
    <message>
        <source>password-protected Word file, or an old .doc renamed to .docx</source>
        <translation>암호로 보호된 Word 파일이거나, 이름만 .docx로 바꾼 예전 .doc 파일</translation>
    </message>
    <message>
        <source>damaged HWP file ({0})</source>
        <translation>손상된 HWP 파일 ({0})</translation>
    </message>
    <message>
        <source>not a valid HWP file ({0})</source>
        <translation>올바른 HWP 파일이 아님 ({0})</translation>
    </message>
    <message>
        <source>password-protected HWP file</source>
        <translation>암호로 보호된 HWP 파일</translation>
    </message>
    <message>
        <source>refused: the HWP body is larger than the limit</source>
        <translation>거부됨: HWP 본문이 한도보다 큼</translation>
    </message>
    <message>
        <source>not a valid HWPX file ({0})</source>
        <translation>올바른 HWPX 파일이 아님 ({0})</translation>
    </message>
    <message>
        <source>damaged HWPX file ({0})</source>
        <translation>손상된 HWPX 파일 ({0})</translation>
    </message>
    <message>
        <source>cannot read the HTML ({0})</source>
        <translation>HTML을 읽을 수 없음 ({0})</translation>
    </message>
    <message>
        <source>refused (too large or suspicious): {0}</source>
        <translation>거부됨 (너무 크거나 의심스러움): {0}</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: there is no internet connection (the server's name could not be looked up).</source>
        <translation>{0}을(를) 내려받지 못했습니다: 인터넷에 연결되어 있지 않습니다(서버 이름을 찾을 수 없음).</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the server did not answer in time.</source>
        <translation>{0}을(를) 내려받지 못했습니다: 서버가 제시간에 응답하지 않았습니다.</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the connection was refused.</source>
        <translation>{0}을(를) 내려받지 못했습니다: 연결이 거부되었습니다.</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the connection was interrupted; Download again resumes it.</source>
        <translation>{0}을(를) 내려받지 못했습니다: 연결이 끊겼습니다. 다시 내려받기를 누르면 이어서 받습니다.</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the secure connection failed (a proxy or firewall may be in the way).</source>
        <translation>{0}을(를) 내려받지 못했습니다: 보안 연결에 실패했습니다(프록시나 방화벽이 막고 있을 수 있음).</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the file is not on the server (HTTP 404).</source>
        <translation>{0}을(를) 내려받지 못했습니다: 서버에 파일이 없습니다(HTTP 404).</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: the server refused access (HTTP 403).</source>
        <translation>{0}을(를) 내려받지 못했습니다: 서버가 접근을 거부했습니다(HTTP 403).</translation>
    </message>
    <message>
        <source>{0} could not be downloaded: {1}</source>
        <translation>{0}을(를) 내려받지 못했습니다: {1}</translation>
    </message>
    <message>
        <source>{0} arrived corrupt (its checksum does not match); download it again.</source>
        <translation>{0}이(가) 손상된 채로 받아졌습니다(체크섬 불일치). 다시 내려받으세요.</translation>
    </message>
    <message>
        <source>{0} is not in the collection {1}</source>
        <translation>{0}은(는) 컬렉션 {1}에 없습니다</translation>
    </message>
    <message>
        <source>invalid collection name {0}: use 1–100 characters, no slashes</source>
        <translation>컬렉션 이름 {0}은(는) 쓸 수 없습니다: 1–100자, 빗금(/) 없이 지으세요</translation>
    </message>
    <message>
        <source>there is no collection named {0}</source>
        <translation>{0}이라는 컬렉션이 없습니다</translation>
    </message>
    <message>
        <source>Search the passages of this collection (no answer, just the documents)…</source>
        <translation>이 컬렉션의 구절 검색 (답변 없이 문서만)…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>검색</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>Answers with cited sources (Ctrl+Shift+A)</source>
        <translation>출처를 인용한 답변 (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>The passages themselves, no answer (Ctrl+Shift+F)</source>
        <translation>답변 없이 구절 그대로 (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>검색 중…</translation>
    </message>
    <message>
        <source>{0} passages for “{1}”</source>
        <translation>“{1}”에 맞는 구절 {0}개</translation>
    </message>
    <message>
        <source>No passage matches “{0}”.</source>
        <translation>“{0}”에 맞는 구절이 없습니다.</translation>
    </message>
    <message>
        <source>Type words, a name or an article (제56조) and press Enter.</source>
        <translation>낱말, 이름이나 조문(제56조)을 입력하고 Enter를 누르세요.</translation>
    </message>
    <message>
        <source>Keep its conversations (filed apart, under no collection)</source>
        <translation>대화는 남겨 두기 (어느 컬렉션에도 속하지 않게 따로 보관)</translation>
    </message>
    <message>
        <source>Remove {0} document from the collection?</source>
        <translation>문서 {0}개를 컬렉션에서 제거할까요?</translation>
    </message>
    <message>
        <source>Remove {0} documents from the collection?</source>
        <translation>문서 {0}개를 컬렉션에서 제거할까요?</translation>
    </message>
    <message>
        <source>Remove documents</source>
        <translation>문서 제거</translation>
    </message>
    <message>
        <source>Remove from collection…</source>
        <translation>컬렉션에서 제거…</translation>
    </message>
    <message>
        <source>The files stay where they are; answers that quoted them show “[document removed]”.</source>
        <translation>파일 자체는 그대로 남습니다. 이 문서를 인용한 답변에는 “[document removed]”가 표시됩니다.</translation>
    </message>
    <message>
        <source>The file is no longer there: {0}</source>
        <translation>파일이 더 이상 없습니다: {0}</translation>
    </message>
    <message>
        <source>No program on this computer opens {0}; open it from its folder.</source>
        <translation>이 컴퓨터에는 {0}을(를) 여는 프로그램이 없습니다. 파일이 있는 폴더에서 여세요.</translation>
    </message>
    <message>
        <source>Delete the collection “{0}”, its index and its {1} conversation(s)? Your files are not touched.</source>
        <translation>컬렉션 “{0}”과(와) 그 색인, 대화 {1}개를 삭제할까요? 원본 파일은 건드리지 않습니다.</translation>
    </message>
    <message>
        <source>{0} document</source>
        <translation>문서 {0}개</translation>
    </message>
    <message>
        <source>{0} documents</source>
        <translation>문서 {0}개</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>폭 맞춤</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>확대</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>축소</translation>
    </message>
    <message>
        <source>fit</source>
        <translation>맞춤</translation>
    </message>
    <message>
        <source>All documents</source>
        <translation>모든 문서</translation>
    </message>
    <message>
        <source>Word</source>
        <translation>Word</translation>
    </message>
    <message>
        <source>HWP / HWPX</source>
        <translation>한글 (HWP / HWPX)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>텍스트</translation>
    </message>
    <message>
        <source>Images (need OCR)</source>
        <translation>이미지 (OCR 필요)</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>모든 파일</translation>
    </message>
    <message>
        <source>Making search vectors: {0} passages left (already found by keyword)</source>
        <translation>검색 벡터를 만드는 중: {0}개 구절 남음 (키워드로는 이미 찾을 수 있음)</translation>
    </message>
    <message>
        <source>Search vectors complete</source>
        <translation>검색 벡터 완료</translation>
    </message>
    <message>
        <source>Search vectors not made: {0}</source>
        <translation>검색 벡터를 만들지 못했습니다: {0}</translation>
    </message>
    <message>
        <source>vectors %p%</source>
        <translation>벡터 %p%</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <source>The model&apos;s answer could not be checked against your documents; these sentences from them answer the question.</source>
        <translation>모델의 답변을 문서로 확인할 수 없어, 질문에 답하는 문서의 문장을 그대로 보여 드립니다.</translation>
    </message>
    <message>
        <source>Watched folder is back: {0}</source>
        <translation>지켜보는 폴더가 다시 연결되었습니다: {0}</translation>
    </message>
    <message>
        <source>Watched folder not available (disconnected?): {0}. Its documents are kept.</source>
        <translation>지켜보는 폴더에 접근할 수 없습니다(연결이 끊겼나요?): {0}. 문서는 그대로 둡니다.</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>Renamed “{0}” to “{1}”; its conversations moved with it ({2}).</source>
        <translation>“{0}”의 이름을 “{1}”(으)로 바꿨습니다. 대화 {2}개도 함께 옮겼습니다.</translation>
    </message>
    <message>
        <source>Deleted the collection “{0}” and its index. Its {1} conversation(s) were kept, filed as “{2}” (shown in no collection).</source>
        <translation>컬렉션 “{0}”과(와) 그 색인을 삭제했습니다. 대화 {1}개는 “{2}”(으)로 따로 보관했습니다(어느 컬렉션에도 표시되지 않음).</translation>
    </message>
    <message>
        <source>Deleted the collection “{0}”, its index and its {1} conversation(s).</source>
        <translation>컬렉션 “{0}”과(와) 그 색인, 대화 {1}개를 삭제했습니다.</translation>
    </message>
    <message>
        <source>Removed {0} document from “{1}”: {2}</source>
        <translation>“{1}”에서 문서 {0}개를 제거했습니다: {2}</translation>
    </message>
    <message>
        <source>Removed {0} documents from “{1}”: {2}</source>
        <translation>“{1}”에서 문서 {0}개를 제거했습니다: {2}</translation>
    </message>
    <message>
        <source>Getting started</source>
        <translation>시작하기</translation>
    </message>
    <message>
        <source>1. Add documents: drop files or folders on the window, or File → Add documents… (Ctrl+O). A folder you add is watched: new, changed and deleted files follow by themselves.
2. Ask a question below the conversation. Each answer cites its passages as [1], [2]; click one to see the passage in its document.
3. Search (Ctrl+Shift+F) lists the passages themselves, when you want the documents and not an answer.
4. Keep matters apart with collections: each has its own documents and conversations.
Everything stays on this computer.</source>
        <translation>1. 문서 추가: 파일이나 폴더를 창에 끌어다 놓거나 파일 → 문서 추가…(Ctrl+O)를 쓰세요. 추가한 폴더는 지켜보므로 새 파일, 바뀐 파일, 지운 파일이 저절로 반영됩니다.
2. 대화 아래에 질문을 입력하세요. 답변은 근거 구절을 [1], [2]로 인용하며, 누르면 문서에서 그 구절을 보여 줍니다.
3. 검색(Ctrl+Shift+F)은 답변 대신 구절 자체를 보여 줍니다.
4. 사건별로 컬렉션을 나누세요. 컬렉션마다 문서와 대화가 따로 있습니다.
모든 것이 이 컴퓨터 안에만 머뭅니다.</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
    <message>
        <source>Ask (answers)</source>
        <translation>질문 (답변)</translation>
    </message>
    <message>
        <source>Search (passages)</source>
        <translation>검색 (구절)</translation>
    </message>
    <message>
        <source>Open the data folder</source>
        <translation>데이터 폴더 열기</translation>
    </message>
    <message>
        <source>Check this installation…</source>
        <translation>설치 상태 점검…</translation>
    </message>
    <message>
        <source>Choose a better model…</source>
        <translation>더 좋은 모델 고르기…</translation>
    </message>
    <message>
        <source>Send / new line</source>
        <translation>보내기 / 줄바꿈</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>답변 중지</translation>
    </message>
    <message>
        <source>Filter the documents</source>
        <translation>문서 거르기</translation>
    </message>
    <message>
        <source>Search passages / ask</source>
        <translation>구절 검색 / 질문</translation>
    </message>
    <message>
        <source>Remove the selected documents</source>
        <translation>선택한 문서 제거</translation>
    </message>
    <message>
        <source>Larger / smaller text</source>
        <translation>글자 크게 / 작게</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>문제가 없습니다.</translation>
    </message>
    <message>
        <source>Check this installation</source>
        <translation>설치 상태 점검</translation>
    </message>
    <message>
        <source>Your documents, index and conversations stay on this computer.</source>
        <translation>문서와 색인, 대화는 이 컴퓨터에만 있습니다.</translation>
    </message>
    <message>
        <source>Answer saved to {0}</source>
        <translation>답변을 저장했습니다: {0}</translation>
    </message>
    <message>
        <source>Sillok keeps its index and conversations in {0}</source>
        <translation>실록은 색인과 대화를 {0}에 보관합니다</translation>
    </message>
    <message>
        <source>Answering model: {0}</source>
        <translation>답변 모델: {0}</translation>
    </message>
    <message>
        <source>Search model: {0}</source>
        <translation>검색 모델: {0}</translation>
    </message>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>{0}을(를) 저장하지 못했습니다: {1}</translation>
    </message>
    <message>
        <source>encrypted HWPX (password or DRM): save an unprotected copy in Hangul</source>
        <translation>암호 또는 DRM으로 보호된 HWPX: 한글에서 보호를 푼 사본을 저장하세요</translation>
    </message>
    <message>
        <source>HWP 3.x document (before 2002) is not supported: save it as HWPX in Hangul</source>
        <translation>HWP 3.x 문서(2002년 이전 형식)는 지원하지 않습니다: 한글에서 HWPX로 저장하세요</translation>
    </message>
    <message>
        <source>The answering model file is missing: {0}. Choose another in Settings.</source>
        <translation>답변 모델 파일이 없습니다: {0}. 설정에서 다른 모델을 고르세요.</translation>
    </message>
    <message>
        <source>The answering model cannot be used: {0}</source>
        <translation>답변 모델을 쓸 수 없습니다: {0}</translation>
    </message>
    <message>
        <source>The search model cannot be loaded: {0}</source>
        <translation>검색 모델을 불러올 수 없습니다: {0}</translation>
    </message>
    <message>
        <source>The collection {0} is mostly Korean, but the answering model {1} handles only {2}: its answers will be poor. Choose a Korean model (Help → Choose a better model).</source>
        <translation>컬렉션 {0}은(는) 대부분 한국어인데, 답변 모델 {1}은(는) {2}만 다룹니다. 답변의 질이 낮을 것입니다. 한국어 모델을 고르세요(도움말 → 더 좋은 모델 고르기).</translation>
    </message>
    <message>
        <source>The collection {0} is mostly English, but the answering model {1} handles only {2}: its answers will be poor. Choose another model (Help → Choose a better model).</source>
        <translation>컬렉션 {0}은(는) 대부분 영어인데, 답변 모델 {1}은(는) {2}만 다룹니다. 답변의 질이 낮을 것입니다. 다른 모델을 고르세요(도움말 → 더 좋은 모델 고르기).</translation>
    </message>
    <message>
        <source>The collection {0}: {1} document(s) could not be read (their status says why).</source>
        <translation>컬렉션 {0}: 문서 {1}개를 읽지 못했습니다(상태 열에 이유가 있습니다).</translation>
    </message>
    <message>
        <source>The collection {0} was indexed with the search model {1}, not the current {2}: its first search re-indexes it.</source>
        <translation>컬렉션 {0}은(는) 현재 검색 모델 {2}가 아닌 {1}(으)로 색인되었습니다. 처음 검색할 때 다시 색인합니다.</translation>
    </message>
    <message>
        <source>The watched folder {0} (collection {1}) is not available: disconnected or not mounted.</source>
        <translation>지켜보는 폴더 {0}(컬렉션 {1})에 접근할 수 없습니다: 연결이 끊겼거나 마운트되지 않았습니다.</translation>
    </message>
    <message>
        <source>Only {0} GB free on the disk of the data folder ({1}).</source>
        <translation>데이터 폴더({1})가 있는 디스크에 남은 공간이 {0} GB뿐입니다.</translation>
    </message>
    <message>
        <source>added {0}</source>
        <translation>추가: {0}</translation>
    </message>
    <message>
        <source>{0:.1f} GB download, about {1:.0f} GB of memory; languages: {2}; licence: {3}</source>
        <translation>내려받기 {0:.1f} GB, 메모리 약 {1:.0f} GB 필요, 언어: {2}, 라이선스: {3}</translation>
    </message>
    <message>
        <source>Watched folders</source>
        <translation>지켜보는 폴더</translation>
    </message>
    <message>
        <source>Stop watching</source>
        <translation>그만 지켜보기</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>지금 맞추기</translation>
    </message>
    <message>
        <source>Sillok follows these folders of “{0}”: new, changed and deleted files reach the index by themselves while the window is open.</source>
        <translation>실록은 “{0}”의 다음 폴더를 지켜봅니다. 창이 열려 있는 동안 새 파일, 바뀐 파일, 지운 파일이 저절로 색인에 반영됩니다.</translation>
    </message>
    <message>
        <source>Stop watching {0} and remove its documents from “{1}”? The files themselves stay.</source>
        <translation>{0}을(를) 그만 지켜보고 그 문서들을 “{1}”에서 제거할까요? 파일 자체는 그대로 남습니다.</translation>
    </message>
    <message>
        <source>No longer watching {0}; its documents stay in the collection.</source>
        <translation>{0}을(를) 더 이상 지켜보지 않습니다. 문서는 컬렉션에 남습니다.</translation>
    </message>
    <message>
        <source>not connected; its documents are kept</source>
        <translation>연결되어 있지 않음. 문서는 그대로 둡니다</translation>
    </message>
    <message>
        <source>Watched folders…</source>
        <translation>지켜보는 폴더…</translation>
    </message>
    <message>
        <source>… and {0} more (the document list shows every file)</source>
        <translation>… 외 {0}개 (문서 목록에 모든 파일이 있습니다)</translation>
    </message>
    <message>
        <source>From your documents</source>
        <translation>문서 원문</translation>
    </message>
    <message>
        <source>Open Settings → Download…</source>
        <translation>설정 → 다운로드 열기…</translation>
    </message>
    <message>
        <source>Your documents do not answer this question.</source>
        <translation>문서에 이 질문에 대한 답이 없습니다.</translation>
    </message>
    <message>
        <source>The closest passages, to read yourself:</source>
        <translation>가장 가까운 구절 (직접 읽어 보세요):</translation>
    </message>
    <message>
        <source>No passage came close.</source>
        <translation>가까운 구절이 없습니다.</translation>
    </message>
    <message>
        <source>Model’s guess — not from your documents</source>
        <translation>모델의 추측 — 문서에서 나온 내용이 아닙니다</translation>
    </message>
    <message>
        <source>Not checked against your documents; do not rely on it.</source>
        <translation>문서로 확인되지 않았습니다. 근거로 삼지 마세요.</translation>
    </message>
    <message>
        <source>uncited</source>
        <translation>출처 없음</translation>
    </message>
    <message>
        <source>The answering model cannot write Korean: the sentences quoted from your documents are the answer. For written answers in Korean, download a model that handles Korean (Settings → Download).</source>
        <translation>답변 모델이 한국어를 쓰지 못합니다. 문서에서 인용한 문장이 답입니다. 한국어로 쓴 답변을 받으려면 한국어를 지원하는 모델을 내려받으세요 (설정 → 다운로드).</translation>
    </message>
    <message>
        <source>Evaluate this collection…</source>
        <translation>이 컬렉션 평가…</translation>
    </message>
    <message>
        <source>Evaluate this collection</source>
        <translation>이 컬렉션 평가</translation>
    </message>
    <message>
        <source>Questions to evaluate (JSONL)</source>
        <translation>평가할 질문 (JSONL)</translation>
    </message>
    <message>
        <source>Questions (*.jsonl *.json *.txt);;All files (*)</source>
        <translation>질문 (*.jsonl *.json *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Questions: {0}
Collection: {1}</source>
        <translation>질문: {0}
컬렉션: {1}</translation>
    </message>
    <message>
        <source>Search only (faster; does not load the answering model)</source>
        <translation>검색만 (더 빠름, 답변 모델을 불러오지 않음)</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Cancel evaluation</source>
        <translation>평가 취소</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>보고서 저장…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>시작하는 중…</translation>
    </message>
    <message>
        <source>Question {0} of {1}: {2}</source>
        <translation>질문 {0}/{1}: {2}</translation>
    </message>
    <message>
        <source>{0} questions done</source>
        <translation>질문 {0}개 완료</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>평가가 취소되었습니다.</translation>
    </message>
    <message>
        <source>Done: {0} questions in {1:.0f} s.</source>
        <translation>완료: 질문 {0}개, {1:.0f}초.</translation>
    </message>
    <message>
        <source>Save the report into a folder</source>
        <translation>보고서를 저장할 폴더</translation>
    </message>
    <message>
        <source>Report saved: {0}</source>
        <translation>보고서 저장됨: {0}</translation>
    </message>
    <message>
        <source>Sillok evaluation</source>
        <translation>Sillok 평가</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>요약</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>항목</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>Questions file</source>
        <translation>질문 파일</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>컬렉션</translation>
    </message>
    <message>
        <source>Search model</source>
        <translation>검색 모델</translation>
    </message>
    <message>
        <source>Answering model</source>
        <translation>답변 모델</translation>
    </message>
    <message>
        <source>not used (retrieval only)</source>
        <translation>사용 안 함 (검색만)</translation>
    </message>
    <message>
        <source>Run at</source>
        <translation>실행 시각</translation>
    </message>
    <message>
        <source>Questions with an expected source</source>
        <translation>기대 출처가 있는 질문</translation>
    </message>
    <message>
        <source>Recall@1 / @3 / @5 / @10</source>
        <translation>재현율@1 / @3 / @5 / @10</translation>
    </message>
    <message>
        <source>MRR of the expected source</source>
        <translation>기대 출처의 MRR</translation>
    </message>
    <message>
        <source>Refusals of unanswerable questions ({0})</source>
        <translation>답할 수 없는 질문의 거절 ({0})</translation>
    </message>
    <message>
        <source>Wrongful refusals of answerable questions ({0})</source>
        <translation>답할 수 있는 질문의 잘못된 거절 ({0})</translation>
    </message>
    <message>
        <source>Answers with a verified citation</source>
        <translation>확인된 인용이 있는 답변</translation>
    </message>
    <message>
        <source>Answers citing the expected source</source>
        <translation>기대 출처를 인용한 답변</translation>
    </message>
    <message>
        <source>Answers containing the expected answer</source>
        <translation>기대 답을 담은 답변</translation>
    </message>
    <message>
        <source>Answer time</source>
        <translation>답변 시간</translation>
    </message>
    <message>
        <source>Retrieval time</source>
        <translation>검색 시간</translation>
    </message>
    <message>
        <source>Total time</source>
        <translation>전체 시간</translation>
    </message>
    <message>
        <source>{0} ms mean, {1} ms median</source>
        <translation>평균 {0} ms, 중앙값 {1} ms</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>줄</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>질문</translation>
    </message>
    <message>
        <source>Expected source</source>
        <translation>기대 출처</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>순위</translation>
    </message>
    <message>
        <source>Top document</source>
        <translation>1순위 문서</translation>
    </message>
    <message>
        <source>Answerable</source>
        <translation>답할 수 있음</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>답변함</translation>
    </message>
    <message>
        <source>Cited</source>
        <translation>인용함</translation>
    </message>
    <message>
        <source>Has expected answer</source>
        <translation>기대 답 포함</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>답변</translation>
    </message>
    <message>
        <source>Answer ms</source>
        <translation>답변 ms</translation>
    </message>
    <message>
        <source>Retrieval ms</source>
        <translation>검색 ms</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>Recall@k of the expected source</source>
        <translation>기대 출처의 재현율@k</translation>
    </message>
    <message>
        <source>The answering model ({0}) cannot write Korean, so the sentences from your documents below are the answer. For written answers in Korean, download {1} in Settings → Download.</source>
        <translation>답변 모델({0})은 한국어로 답을 쓰지 못하여, 아래 문서의 문장을 그대로 답으로 보여 드립니다. 한국어 답변을 받으려면 설정 → 다운로드에서 {1} 모델을 받으세요.</translation>
    </message>
    <message>
        <source>The answering model ({0}) cannot write English, so the sentences from your documents below are the answer. For written answers in English, download {1} in Settings → Download.</source>
        <translation>답변 모델({0})은 영어로 답을 쓰지 못하여, 아래 문서의 문장을 그대로 답으로 보여 드립니다. 영어 답변을 받으려면 설정 → 다운로드에서 {1} 모델을 받으세요.</translation>
    </message>
    <message>
        <source>{0}, line {1}: not valid JSON ({2})</source>
        <translation>{0}, {1}번째 줄: 올바른 JSON이 아닙니다 ({2})</translation>
    </message>
    <message>
        <source>{0}, line {1}: each line must be one JSON object with a "question"</source>
        <translation>{0}, {1}번째 줄: 각 줄은 "question"이 있는 JSON 객체 하나여야 합니다</translation>
    </message>
    <message>
        <source>{0}, line {1}: "question" is missing or empty</source>
        <translation>{0}, {1}번째 줄: "question"이 없거나 비어 있습니다</translation>
    </message>
    <message>
        <source>{0}, line {1}: "expected_source" must be a file name or a list of file names</source>
        <translation>{0}, {1}번째 줄: "expected_source"는 파일 이름이나 파일 이름 목록이어야 합니다</translation>
    </message>
    <message>
        <source>{0}, line {1}: "expected_answer" must be text</source>
        <translation>{0}, {1}번째 줄: "expected_answer"는 텍스트여야 합니다</translation>
    </message>
    <message>
        <source>{0}, line {1}: "answerable" must be true or false</source>
        <translation>{0}, {1}번째 줄: "answerable"은 true 또는 false여야 합니다</translation>
    </message>
    <message>
        <source>{0}: no questions (one JSON object a line, each with a "question")</source>
        <translation>{0}: 질문이 없습니다 (한 줄에 "question"이 있는 JSON 객체 하나)</translation>
    </message>
    <message>
        <source>{0}: cannot read the questions file ({1})</source>
        <translation>{0}: 질문 파일을 읽을 수 없습니다 ({1})</translation>
    </message>
    <message>
        <source>{0}: cannot write the report ({1})</source>
        <translation>{0}: 보고서를 쓸 수 없습니다 ({1})</translation>
    </message>
    <message>
        <source>Expected sources not in the collection</source>
        <translation>컬렉션에 없는 기대 출처</translation>
    </message>
    <message>
        <source>line {0}: {1}</source>
        <translation>{0}번째 줄: {1}</translation>
    </message>
    <message>
        <source>image file: needs OCR (no OCR engine on this computer)</source>
        <translation>이미지 파일: OCR이 필요합니다 (이 컴퓨터에 OCR 엔진이 없음)</translation>
    </message>
    <message>
        <source>image file: needs OCR (Pillow is not installed)</source>
        <translation>이미지 파일: OCR이 필요합니다 (Pillow가 설치되어 있지 않음)</translation>
    </message>
    <message>
        <source>scanned: every page was skipped ({0})</source>
        <translation>스캔 문서: 모든 페이지를 건너뜀 ({0})</translation>
    </message>
    <message>
        <source>scanned, but OCR found no readable text</source>
        <translation>스캔 문서이지만 OCR로 읽을 수 있는 글자를 찾지 못함</translation>
    </message>
    <message>
        <source>unreadable image ({0})</source>
        <translation>읽을 수 없는 이미지 ({0})</translation>
    </message>
    <message>
        <source>scanned PDF that cannot be rendered ({0})</source>
        <translation>렌더링할 수 없는 스캔 PDF ({0})</translation>
    </message>
    <message>
        <source>check OCR</source>
        <translation>OCR 확인 필요</translation>
    </message>
    <message>
        <source>Read by OCR: {0} pages, confidence {1}%</source>
        <translation>OCR로 읽음: {0}쪽, 신뢰도 {1}%</translation>
    </message>
    <message>
        <source>Low confidence: check page {0}</source>
        <translation>신뢰도 낮음: {0}쪽을 확인하세요</translation>
    </message>
    <message>
        <source>OCR page {0} of {1}:</source>
        <translation>OCR {1}쪽 중 {0}쪽:</translation>
    </message>
    <message>
        <source>read by OCR</source>
        <translation>OCR로 읽음</translation>
    </message>
    <message>
        <source>read by OCR; some pages need checking</source>
        <translation>OCR로 읽음. 일부 페이지는 확인이 필요합니다</translation>
    </message>
    <message>
        <source>Collection {0}: {1} scanned document(s) have pages read by OCR with low confidence; the document list flags the pages to check.</source>
        <translation>컬렉션 {0}: 스캔 문서 {1}개에 OCR 신뢰도가 낮은 페이지가 있습니다. 문서 목록에서 확인할 페이지를 표시합니다.</translation>
    </message>
    <message>
        <source>OCR is not available (the OCR engine or its Korean and English data is missing): scanned pages are named &quot;needs OCR&quot;. Install Tesseract with its Korean and English data.</source>
        <translation>OCR을 사용할 수 없습니다(OCR 엔진 또는 한국어·영어 데이터가 없음). 스캔 페이지는 &quot;OCR 필요&quot;로 표시됩니다. 한국어·영어 데이터와 함께 Tesseract를 설치하세요.</translation>
    </message>
</context>
</TS>
